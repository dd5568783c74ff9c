from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for tests only: same algorithm and hash format, a fraction of the time.

    Hashes carry their parameters, so the production hasher verifies them too.
    """

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
