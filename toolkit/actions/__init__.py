"""Guided actions that move money (refunds, re-captures): plans, rails, journal. Same layer as
:mod:`toolkit.investigate`: they read through the gateways and use the pure rules of :mod:`toolkit.analysis`.
Empty until the guided-refund work lands; the import contracts already place it."""
