"""The vocabulary every stage speaks: facts, findings, locations, values.

Frontends write facts (`model`: images, commands, environments, manifests),
checks read them, reports print findings (`findings`) at `locations`.
`expand` and `parameter_operations` say what a written value is once its
variables are known. Nothing here imports anything above it
(`tests/test_layers.py`), so every other folder may import from here.
"""
