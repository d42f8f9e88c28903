"""Hard-coded passwords, tokens and secrets."""
password = "hunter2"  # expect: B105
db_passwd = "s3cret"  # expect: B105
api_key = "not-a-password-name"
password_hash = compute_hash()
SETTINGS = {}
SETTINGS["password"] = "letmein"  # expect: B105
admin_token: str = "abc123"  # expect: B105


class Config:
    """Holds credentials."""

    def __init__(self):
        self.secret = "topsecret"  # expect: B105
        self.user = "admin"


def check(user, password="Admin"):
    if password == "root":  # expect: B105
        return True
    return login(user=user, password="blerg")


def check_token(token):
    return token == "expected-token"  # expect: B105


async def connect(host, secret="swordfish"):  # expect: B107
    return await open_connection(host, secret)


def keyword_only(host, *, pwd="hunter3"):  # expect: B107
    return host, pwd


def from_environment(password=None):
    return password or read_env("PASSWORD")
