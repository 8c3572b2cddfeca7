"""BaRS's code systems, in one place (imported by triage through bars.responses, so this
module imports nothing of the project's)."""

# BaRS's message events (MessageHeader.eventCoding).
EVENT_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-events-bars"
REFERRAL_EVENT = "servicerequest-request"
RESPONSE_EVENT = "servicerequest-response"
REASON_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-reason-bars"
