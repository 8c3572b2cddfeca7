"""Files people upload: refused by size before the whole body is read, and checked by
their real content, not by the name or type the browser claims.

Size: `UploadLimitHandler` (first of FILE_UPLOAD_HANDLERS) stops reading a request as
soon as a file in it passes the page's limit (UPLOAD_MAX_BYTES, unless the view declares
another with `upload_limit`), or before a file's first byte when the request's
Content-Length already says it is too big. The fields before the file are
parsed by then, and forms put their file input last, so the page that says the file is too
big still shows everything else that was typed (`files_of` gives the form a stand-in for the
refused file, which its field refuses with its usual message).

Content: `pdf_problem` parses the file with pypdf and refuses what a referral letter never
needs and an attacker would use: JavaScript, launch actions, embedded files, XFA forms,
and encryption (a letter nobody at the CAP can open without its password, and whose
content cannot be checked)."""

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict

REFUSED = "_uploads_refused"  # request attribute: field name -> bytes seen before stopping
# Room in a request for the form's other fields beside a file of the largest size.
FORM_ALLOWANCE = 256 * 1024


def upload_limit(max_bytes: int) -> Callable[[Callable], Callable]:
    """Declare a view's largest upload, when it is not UPLOAD_MAX_BYTES (the handler reads it
    from the resolved view: the CSRF check parses the body before the view runs)."""

    def declare(view: Callable) -> Callable:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return declare


def _limit(request: HttpRequest | None) -> int:
    match = getattr(request, "resolver_match", None)
    declared = getattr(match.func, "upload_max_bytes", None) if match else None
    return declared or settings.UPLOAD_MAX_BYTES


class UploadLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops reading the request past the limit
    (StopUpload with connection_reset: the rest of the body is never read)."""

    def handle_raw_input(self, input_data: IO[bytes], META: dict[str, Any], content_length: int,
                         boundary: str, encoding: str | None = None) -> None:
        self.declared = content_length
        self.limit = _limit(self.request)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self, "declared", 0) > self._max() + FORM_ALLOWANCE:
            self._refuse(self.declared)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self._max():
            self._refuse(self.received)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler stores the file

    def _max(self) -> int:
        return getattr(self, "limit", None) or _limit(self.request)

    def _refuse(self, size: int) -> None:
        if self.request is not None:
            refused = getattr(self.request, REFUSED, {})
            refused[self.field_name] = size
            setattr(self.request, REFUSED, refused)
        raise StopUpload(connection_reset=True)


class RefusedUpload(SimpleUploadedFile):
    """Stands in for a file not read because it was too big: its size is what was known of
    it, so the form field's own size check refuses it with its usual message."""

    def __init__(self, name: str, size: int):
        super().__init__(name, b"", content_type="application/octet-stream")
        self.size = size


def files_of(request: HttpRequest) -> MultiValueDict:
    """request.FILES, with a RefusedUpload for each file the handler stopped reading."""
    files = request.FILES.copy()
    for field_name, size in getattr(request, REFUSED, {}).items():
        files[field_name] = RefusedUpload("too-large", size)
    return files


def too_large_message(limit: int) -> str:
    return f"The file must be smaller than {limit // (1024 * 1024)} MB."


# --- What is inside a PDF -------------------------------------------------------------------

# Keys whose presence anywhere in the document is refused, with what they are.
ACTIVE_KEYS = {
    "/JS": "JavaScript", "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "an embedded file", "/EmbeddedFile": "an embedded file", "/EF": "an embedded file",
    "/XFA": "an XFA form, which can carry script",
}
# Action types (an action's /S) that are refused wherever the action is: /OpenAction,
# /AA (actions on opening a page, or a field), links and annotations.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript", "/Launch": "a launch action", "/GoToE": "an embedded file",
    "/ImportData": "an action that reads other files", "/SubmitForm": "a form that sends data away",
    "/Rendition": "a media action", "/RichMediaExecute": "a media action",
}
MAX_OBJECTS = 200_000  # more than any letter has; a file that needs more is refused, not walked


def pdf_problem(upload: UploadedFile) -> str | None:
    """Why this file cannot be accepted as a PDF letter, in words for the person who sent
    it, or None if it is a PDF that parses and holds nothing active."""
    upload.seek(0)
    try:
        if upload.read(5) != b"%PDF-":
            return "The file must be a PDF."
        upload.seek(0)
        return _content_problem(upload)
    except Exception:  # noqa: BLE001 - any failure to parse untrusted input means "not a PDF"
        return "The file must be a PDF that opens: this one is damaged or is not a PDF."
    finally:
        upload.seek(0)


def _content_problem(upload: UploadedFile) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(upload, strict=False)
    if reader.is_encrypted:
        return "The file is password protected. Save it without a password and upload it again."
    if len(reader.pages) == 0:
        return "The file must be a PDF with at least one page."
    for what in _active_content(reader):
        return (f"The file contains {what}, which is not allowed in a referral letter. "
                "Print it to a new PDF and upload that.")
    return None


def _active_content(reader: Any) -> Iterator[str]:
    """What is active in the document: every object reachable from its trailer, and every
    object its cross-reference tables list (a viewer may read those too)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack += [IndirectObject(number, generation, reader) for number in numbers]
    stack += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            yield "more objects than a letter has"
            return
        if isinstance(item, DictionaryObject):
            for key in item:
                if key in ACTIVE_KEYS:
                    yield ACTIVE_KEYS[key]
            action = item.get("/S")
            if action in ACTIVE_ACTIONS:
                yield ACTIVE_ACTIONS[action]
            if item.get("/Type") == "/EmbeddedFile" or item.get("/Subtype") == "/FileAttachment":
                yield "an embedded file"
            stack += [value for key, value in item.items() if key != "/Parent"]
        elif isinstance(item, ArrayObject):
            stack += list(item)
