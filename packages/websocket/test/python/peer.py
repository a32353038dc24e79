"""A WebSocket peer flowkit did not write: Python's `websockets` (Debian's
python3-websockets, 10.x, asyncio API).

  peer.py server            echo server on 127.0.0.1, port 0; prints "port N"; after
                            the first connection that carried data, prints
                            "closed CODE BYTES" and exits.
  peer.py client URL MODE   MODE plain: sends 4 MiB in 64 KiB messages while reading
                            the echo, then the plain close (code 1000).
                            MODE v1: offers flowkit.v1 and follows the README's
                            specification: data, then the text message "eof", reads
                            the echo until the peer's "eof", then the close handshake.
                            Prints "ok BYTES SHA256" or "fail REASON".
Every run ends by itself within 30 s.
"""
import asyncio
import hashlib
import random
import sys

import websockets

TOTAL = 4 * 1024 * 1024
CHUNK = 64 * 1024


async def serve() -> None:
    done = asyncio.Event()

    async def echo(ws):
        n = 0
        try:
            async for message in ws:
                if isinstance(message, str):
                    await ws.close(1003, "binary only")
                    break
                n += len(message)
                await ws.send(message)
        finally:
            if n > 0:
                print(f"closed {ws.close_code} {n}", flush=True)
                done.set()

    async with websockets.serve(echo, "127.0.0.1", 0, max_size=2**20) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        await done.wait()


async def client(url: str, mode: str) -> None:
    data = random.Random(14).randbytes(TOTAL)
    protocols = ["flowkit.v1"] if mode == "v1" else None
    async with websockets.connect(url, subprotocols=protocols, max_size=2**20) as ws:
        if mode == "v1" and ws.subprotocol != "flowkit.v1":
            print(f"fail subprotocol {ws.subprotocol!r}", flush=True)
            return

        async def send() -> None:
            for at in range(0, TOTAL, CHUNK):
                await ws.send(data[at : at + CHUNK])
            if mode == "v1":
                await ws.send("eof")

        sending = asyncio.create_task(send())
        received = bytearray()
        while len(received) < TOTAL:
            message = await ws.recv()
            if isinstance(message, str):
                print(f"fail text {message!r} after {len(received)} bytes", flush=True)
                return
            received += message
        await sending
        if mode == "v1":
            # flowkit half-closes after its echo: the text message "eof".
            end = await ws.recv()
            if end != "eof":
                print(f"fail expected eof, got {end!r}", flush=True)
                return
            # Both directions ended: the close handshake (flowkit may start it first).
            await ws.wait_closed()
        else:
            await ws.close(1000)
        if bytes(received) != data:
            print("fail echo differs", flush=True)
            return
        print(f"ok {len(received)} {hashlib.sha256(received).hexdigest()} {ws.close_code}", flush=True)


async def main() -> None:
    if sys.argv[1] == "server":
        await asyncio.wait_for(serve(), 30)
    else:
        await asyncio.wait_for(client(sys.argv[2], sys.argv[3]), 30)


asyncio.run(main())
