def seed_demo() -> str:
    return ""
