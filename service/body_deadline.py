"""A deadline for the request body (pure ASGI): a client that starts a POST and then sends its body
byte by byte, or not at all, holds a connection and a request task for as long as it likes.
Past the deadline, reading the body raises ServiceError("body-timeout"), which the error handlers
answer (408, and the connection is closed: the rest of the body will not be read).
"""
from __future__ import annotations

import asyncio

from .errors import ServiceError


class BodyDeadline:
    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        body_done = False

        async def receive_by_deadline():
            nonlocal body_done
            if body_done:  # after the body only a disconnect can come, whenever it comes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0))
            except TimeoutError:
                raise ServiceError("body-timeout", "the request body did not arrive within "
                                   f"{self.seconds:g} s (the limit)") from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, receive_by_deadline, send)
