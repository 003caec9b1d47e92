"""The mfa pages, one module per area: the second-factor stage (second_factor), step-up
(step_up), the "Gestionnaire 2ndFA" (manage), the passkey endpoints (passkeys), and what
they share (common)."""
