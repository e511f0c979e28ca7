import json
import time

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground extra (starlette) is not installed")
httpx = pytest.importorskip("httpx2", reason="httpx2 (Starlette's test client) is not installed")

from starlette.testclient import TestClient  # noqa: E402

from axone.playground.server import SessionStore, create_app  # noqa: E402
from axone.playground.session import PlaygroundSession  # noqa: E402
from axone.playground.config import PlaygroundConfig  # noqa: E402


@pytest.fixture
def client():
    store = SessionStore(max_sessions=3)
    with TestClient(create_app(store)) as test_client:
        test_client.store = store
        yield test_client


def start(client, xor_csv, **settings):
    payload = {"dataset": "csv", "csv": xor_csv, "hidden_layers": [4], "optimizer": "adam", **settings}
    answer = client.post("/api/sessions", json=payload)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "axone playground" in page.text
    for name in ("playground.js", "playground.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../server.py").status_code == 404  # nothing outside the page's folder


def test_options_list_the_choices(client):
    options = client.get("/api/options").json()
    assert "xor" in options["datasets"] and options["max_neurons"] == 64
    assert PlaygroundConfig.from_dict(options["defaults"]) == PlaygroundConfig()


def test_configure_step_and_state_match_a_direct_session(client, xor_csv):
    created = start(client, xor_csv)
    session_id = created["id"]
    assert created["setup"]["layer_sizes"] == [2, 4, 1]
    assert created["state"]["epoch"] == 0
    for _ in range(3):
        state = client.post(f"/api/sessions/{session_id}/step").json()
    assert state["epoch"] == 3
    assert client.get(f"/api/sessions/{session_id}/state").json()["loss"] == state["loss"]

    reference = PlaygroundSession(PlaygroundConfig.from_dict(created["setup"]["config"]))
    try:
        reference.step(3)
        expected = reference.snapshot()
    finally:
        reference.close()
    assert state["loss"] == expected["loss"] and state["val_loss"] == expected["val_loss"]
    assert state["output"] == expected["output"] and state["weights"] == expected["weights"]


def test_play_pause_and_reset(client, xor_csv):
    session_id = start(client, xor_csv)["id"]
    client.post(f"/api/sessions/{session_id}/play")
    time.sleep(0.3)
    paused = client.post(f"/api/sessions/{session_id}/pause").json()
    assert paused["epoch"] > 0 and not paused["playing"]
    reset = client.post(f"/api/sessions/{session_id}/reset").json()
    assert reset["id"] == session_id and reset["state"]["epoch"] == 0
    assert client.post(f"/api/sessions/{session_id}/jump").status_code == 404


def test_new_configuration_rebuilds_and_a_refused_one_keeps_the_old(client, xor_csv):
    session_id = start(client, xor_csv)["id"]
    client.post(f"/api/sessions/{session_id}/step")
    answer = client.post(f"/api/sessions/{session_id}/config",
                         json={"dataset": "csv", "csv": xor_csv, "hidden_layers": [3, 3]})
    assert answer.json()["setup"]["layer_sizes"] == [2, 3, 3, 1]
    refused = client.post(f"/api/sessions/{session_id}/config", json={"hidden_layers": [500]})
    assert refused.status_code == 400 and "between 1 and 64" in refused.json()["error"]
    assert client.get(f"/api/sessions/{session_id}/state").json()["neurons"][1].__len__() == 3


@pytest.mark.parametrize("payload, words", [
    ({"dataset": "csv", "csv": "a,b,c,d\n1,2,3,4\n"}, "needs exactly 3"),
    ({"dataset": "csv", "csv": "a,b,c\n1,nan,0\n"}, "NaN"),
    ({"hidden_layers": [65]}, "between 1 and 64"),
    ({"dataset": "csv", "csv": "a,b,c\n1,2,5\n2,3,7\n"}, "targets 0 or 1"),
])
def test_bad_input_is_refused_with_a_message(client, payload, words):
    answer = client.post("/api/sessions", json=payload)
    assert answer.status_code == 400 and words in answer.json()["error"]
    assert len(client.store) == 0


def test_body_must_be_json_and_sessions_must_exist(client):
    answer = client.post("/api/sessions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and "JSON" in answer.json()["error"]
    assert client.post("/api/sessions/s999/step").status_code == 404
    assert "No session 's999'" in client.get("/api/sessions/s999/state").json()["error"]


def test_oldest_sessions_close_past_the_limit(client, xor_csv):
    ids = [start(client, xor_csv)["id"] for _ in range(4)]
    assert len(client.store) == 3
    assert client.get(f"/api/sessions/{ids[0]}/state").status_code == 404


def test_delete_stops_training(client, xor_csv):
    session_id = start(client, xor_csv)["id"]
    session = client.store.get(session_id)
    client.post(f"/api/sessions/{session_id}/play")
    assert client.delete(f"/api/sessions/{session_id}").status_code == 200
    assert session._closed and not session._thread.is_alive()


def test_stream_sends_states_and_closing_the_tab_stops_training(live_server, xor_csv):
    url, store = live_server
    with httpx.Client(base_url=url, timeout=10) as http:
        session_id = http.post("/api/sessions", json={"dataset": "csv", "csv": xor_csv}).json()["id"]
        session = store.get(session_id)
        http.post(f"/api/sessions/{session_id}/play")
        epochs = []
        with http.stream("GET", f"/api/sessions/{session_id}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    epochs.append(json.loads(line[6:])["epoch"])
                    if len(epochs) == 3:
                        break
        assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
        deadline = time.monotonic() + 5
        while not session._closed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session._closed, "the stream closed but the session kept training"
        assert http.get(f"/api/sessions/{session_id}/state").status_code == 404


def test_download_gives_a_keras_file(client, xor_csv):
    session_id = start(client, xor_csv)["id"]
    client.post(f"/api/sessions/{session_id}/step")
    answer = client.get(f"/api/sessions/{session_id}/model")
    assert answer.status_code == 200
    assert answer.content[:2] == b"PK"  # a .keras file is a zip archive
    assert "playground.keras" in answer.headers["content-disposition"]
