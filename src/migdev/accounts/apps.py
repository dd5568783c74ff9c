from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "migdev.accounts"
    label = "accounts"

    def ready(self) -> None:
        from migdev.accounts.demo import demo_users_create
        from migdev.core.demo import register_demo_seeder

        def seed_demo_users() -> str:
            users = demo_users_create()
            logins = ", ".join(
                f"{user.username}{' (two-factor)' if user.two_factor else ''}" for user in users
            )
            return f"{len(users)} demo users, one per role (password: demo-<role>-2026!): {logins}"

        register_demo_seeder("accounts", seed_demo_users)
