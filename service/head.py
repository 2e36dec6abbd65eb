"""HEAD on every GET resource (RFC 9110: a server that answers GET answers HEAD), as pure ASGI.

FastAPI routes declared for GET answer HEAD with 405; a link checker, a cache or `curl -I` then
sees an error where the resource exists. The request is run as GET and its body dropped, so the
status and headers (Content-Length included) are those GET would give.
"""
from __future__ import annotations


class HeadAsGet:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # nothing is sent until the last part, which goes out empty
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
