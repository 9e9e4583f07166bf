"""Driving an adapter's flows with retries, rate limits and located errors, blocking or async.

An adapter's client owns its connections (a sender) and a protocol object that builds flows (see
:mod:`adapters.transport`). Every call is the same three steps, whatever the exchange: make a
fresh flow per attempt (so every attempt is signed again with a fresh timestamp), drive it
through the rate limiters it draws on, and retry per the account's
:class:`~framework.retry.RetryPolicy`; an error that escapes is completed with the account's
location. :class:`AsyncRunner` and :class:`BlockingRunner` are those steps, once.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar

import httpx

from adapters.transport import AsyncSender, Flow, Pacing, run_async, run_sync
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.retry import RetryPolicy, retry_async, retry_sync

__all__ = ["AsyncRunner", "BlockingRunner", "ClosingAsync", "ClosingBlocking", "ErrorFinisher"]

T = TypeVar("T")

Locate = Callable[[FolioError], object]
"""Completes an escaping error with exchange and account (``protocol.locate``)."""


class ErrorFinisher:
    """Completes an error leaving a client: its location, and no reachable credential.

    folio never writes a credential into an error, but an exchange may quote one back in its
    own message ("Invalid API key <key>"). Such text is replaced by ``***``; the frames below
    the client then hold that answer in their locals, so the traceback is cut at the client.

    Even without an echo, the frames below the client held the signed request in their locals
    (the signer adds the key and the signature to it in place: headers, and Binance's query),
    and so did the third-party exceptions chained to the error (an aiohttp or httpx error and
    its own frames). An error tracker that records locals would collect them. So every
    finished frame of the traceback has its locals cleared (file and line stay, for
    debugging) and the chained ``__cause__``/``__context__`` is dropped: a folio error's
    message already says what broke (tests/reliability/test_traceback_secrets.py).
    """

    def __init__(self, locate: Locate, credentials: Credentials) -> None:
        self._locate = locate
        self._credentials = credentials

    def __call__(self, error: FolioError) -> FolioError:
        self._locate(error)
        before = str(error)
        error.redact(self._credentials.api_key.reveal(), self._credentials.api_secret.reveal())
        if str(error) != before:
            error = error.with_traceback(None)
        # Frames still running (the runner's own) are skipped by clear_frames.
        traceback.clear_frames(error.__traceback__)
        error.__cause__ = None
        error.__context__ = None
        error.__suppress_context__ = True
        return error


class AsyncRunner:
    """Runs flows through one :class:`~adapters.transport.AsyncSender`.

    The sender is the process's shared pool, or an httpx client on a test transport; ``sleep``
    waits between retries.
    """

    def __init__(
        self,
        sender: AsyncSender,
        policy: RetryPolicy,
        finish: Callable[[FolioError], FolioError],
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.sender = sender
        self.policy = policy
        self._finish = finish
        self._sleep = sleep

    async def run(
        self,
        make_flow: Callable[[], Flow[T]],
        limiters: Pacing = (),
        *,
        began: float | None = None,
    ) -> T:
        """A fresh flow per attempt, paced by ``limiters``, retried per the policy.

        ``began`` (the event loop's time): when the call began, if it did work before this
        run; the policy's deadline counts from there (:func:`~framework.retry.retry_async`).
        """

        async def attempt() -> T:
            return await run_async(self.sender, make_flow(), limiters, sleep=self._sleep)

        try:
            return await retry_async(attempt, self.policy, sleep=self._sleep, began=began)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def aclose(self) -> None:
        """Release the sender's connections (its share of the pool)."""
        await self.sender.aclose()


class BlockingRunner:
    """The blocking twin of :class:`AsyncRunner`, through one pooled ``httpx.Client``."""

    def __init__(
        self,
        client: httpx.Client,
        policy: RetryPolicy,
        finish: Callable[[FolioError], FolioError],
        *,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.client = client
        self.policy = policy
        self._finish = finish
        self._sleep = sleep

    def run(
        self, make_flow: Callable[[], Flow[T]], limiters: Pacing = ()
    ) -> T:
        """A fresh flow per attempt, paced by ``limiters``, retried per the policy.

        Each attempt is driven within what is left of the policy's deadline (``run_sync``'s
        ``until``): a blocking read cannot be cut from outside, so the driver stops itself.
        """
        until = time.monotonic() + self.policy.deadline

        def attempt() -> T:
            return run_sync(self.client, make_flow(), limiters, sleep=self._sleep, until=until)

        try:
            return retry_sync(attempt, self.policy, sleep=self._sleep)
        except FolioError as exc:
            raise self._finish(exc) from None

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()


class ClosingAsync:
    """``async with client:`` for any client with an ``aclose()``."""

    async def aclose(self) -> None:
        """Release the client's sockets."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class ClosingBlocking:
    """``with client:`` for any client with a ``close()``."""

    def close(self) -> None:
        """Release the client's sockets."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
