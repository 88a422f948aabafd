"""Foundation: money, the clock, Salesforce ids, message wording, request budgets. Pure, no I/O; every other
layer (the sandbox included) may import it."""
