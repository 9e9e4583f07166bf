"""The shared adapter kit: what every exchange adapter is built from.

One subpackage, so a plugin author sees the whole toolbox in one place (docs/plugins.md):
strict wire reading (:mod:`.strict`), answer decoding (:mod:`.responses`), the signing clock
(:mod:`.clock`), option tables (:mod:`.options`) and client-side rate limits
(:mod:`.ratelimit`).
"""
