"""Registration models (participants, messages, check-ins) are added by the registration issue."""
