"""The demo API: a health probe and a greeting, served by uvicorn on port 8000."""
from fastapi import FastAPI

from src.app.routes import router

app = FastAPI(title="aca-rollout demo")
app.include_router(router)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
