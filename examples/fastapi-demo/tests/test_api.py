"""Kept out of the image by .dockerignore (tests/)."""
from fastapi.testclient import TestClient

from api import app


def test_healthz() -> None:
    assert TestClient(app).get("/healthz").json() == {"status": "ok"}
