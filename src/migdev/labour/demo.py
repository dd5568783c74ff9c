def seed_labour_demo() -> str:
    return ""
