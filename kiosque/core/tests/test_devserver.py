"""`kiosque devserver` (what `make run` uses): the portal, the mail worker and the DCC demo."""

import json
import re
import time

import pytest

from kiosque.testing.processes import clean_env, free_port, running, wait_for_http


@pytest.mark.slow
def test_each_address_is_printed_once(tmp_path):
    """The DCC demo prints its own address when it listens; devserver printed it too."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "dcc_demo_client.json").write_text(
        json.dumps({"issuer": "http://127.0.0.1:1", "client_id": "dcc", "client_secret": "s"})
    )
    port = free_port()
    log = tmp_path / "devserver.log"
    with running("devserver", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                 env=clean_env(data), log_path=log):  # fmt: skip
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
        deadline = time.monotonic() + 30
        while "DCC (démo)" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
    output = log.read_text()
    assert len(re.findall(r"DCC.*http://", output)) == 1, output
    assert output.count(f"http://127.0.0.1:{port}/\n") == 1, output
    assert output.count(f"http://127.0.0.1:{port}/dev/mailbox/") == 1, output
