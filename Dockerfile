# syntax=docker/dockerfile:1
# The Central Access Point: one image for the web server, the Celery worker,
# Celery beat and the one-off migrate job (see docker-compose.yml).

# --- Stage 1: the NHS.UK front end from npm -----------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# Runtime packages only: axe-core is for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error


# --- Stage 2: the Python application ------------------------------------------
FROM python:3.11-slim

# PYTHONPATH: import the source tree in /app (settings find templates/ and
# static/ beside config/), not the copy pip puts in site-packages.
# WEB_CONCURRENCY: gunicorn's worker count; override it in .env.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    WEB_CONCURRENCY=3

RUN groupadd --system cap \
    && useradd --system --gid cap --home-dir /app --no-create-home --shell /usr/sbin/nologin cap

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /build/node_modules/nhsuk-frontend node_modules/nhsuk-frontend
RUN pip install --no-cache-dir --no-deps .

# Static files are collected into the image and served by WhiteNoise. Settings
# insist on these variables; the values here exist only for this build step.
RUN DEBUG=false \
    SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything-0000 \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0

# The code stays owned by root and read-only to the service user; the only
# writable place is the private media folder (a volume in docker-compose.yml).
RUN mkdir -p /var/lib/cap/private && chown -R cap:cap /var/lib/cap
ENV PRIVATE_MEDIA_ROOT=/var/lib/cap/private

USER cap
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
