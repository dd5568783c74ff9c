"""Protection of identifying data, shared by every module that holds data about people (ADR 0010).

``crypto``: field encryption and the blind-index key; ``fields``: the encrypted model fields;
``inventory``: which text columns of which apps must be encrypted; ``checks``: the key system checks.
"""
