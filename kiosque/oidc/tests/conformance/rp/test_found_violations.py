"""MUSTs the current provider violates, found by the openid-client suite.

Each test states the requirement and fails today (xfail, strict): when the provider core is
fixed, the test passes, strict xfail turns that into a failure, and the test moves to the
file of its specification. None is open (docs/oidc-conformance.md, "Known violations").
"""
