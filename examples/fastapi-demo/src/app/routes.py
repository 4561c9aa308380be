"""Routes of the demo API. Change the greeting and deploy again: only the code layer is rebuilt."""
from fastapi import APIRouter

router = APIRouter()


@router.get("/")
def hello() -> dict[str, str]:
    return {"message": "Hello from aca-rollout"}
