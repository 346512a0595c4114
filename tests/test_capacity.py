"""Capacity arithmetic: expectations computed by hand from the provider's rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sphinx_event_ext.model.memory import parse_memory
from sphinx_event_ext.plan.capacity import suggest_capacity

KI, MI, GI, TI = 1024, 1024**2, 1024**3, 1024**4


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2G", 2 * GI),
        ("512M", 512 * MI),
        ("4Gi", 4 * GI),
        ("1024K", 1_048_576),
        ("1T", TI),
        ("1Ti", TI),
        ("1.5G", 1_610_612_736),
        (" 8G ", 8 * GI),
    ],
)
def test_parse_memory_reads_jupyterhub_sizes_as_powers_of_1024(text: str, size: int) -> None:
    assert parse_memory(text) == size


@pytest.mark.parametrize("text", ["2", "2g", "2GB", "G", "-1G", "0G", "", "2 G", "1e3M", "2P", "Gi2"])
def test_parse_memory_refuses_anything_else_and_says_how_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"2G|at least 1M"):
        parse_memory(text)


def test_eighty_attendees_on_medium_nodes() -> None:
    # (128 - 2) / 2 = 63 per node; ceil(80 / 63) = 2; 0.7 * 80 = 56, ceil(56 / 63) = 1 (17 of 80 wait: 21%).
    capacity = suggest_capacity(80)
    assert (capacity.users_per_node, capacity.nodes_needed, capacity.nodes_to_prewarm) == (63, 2, 1)
    assert capacity.as_json() == {
        "memory_per_user_gib": 2,
        "node_memory_gib": 128,
        "users_per_node": 63,
        "nodes_needed": 2,
        "nodes_to_prewarm": 1,
    }


def test_users_per_node_is_capped_at_one_hundred() -> None:
    # 126 GiB / 0.5 GiB = 252, capped to 100; ceil(250 / 100) = 3; ceil(175 / 100) = 2 (50 of 250 wait: 20%).
    capacity = suggest_capacity(250, memory_per_user="512M")
    assert (capacity.users_per_node, capacity.nodes_needed, capacity.nodes_to_prewarm) == (100, 3, 2)
    assert capacity.as_json()["memory_per_user_gib"] == 0.5


def test_exactly_thirty_percent_waiting_is_allowed() -> None:
    # (32 - 2) / 4 = 7.5 -> 7 per node; ceil(30 / 7) = 5; 3 nodes hold 21, so 9 of 30 (exactly 30%) wait.
    capacity = suggest_capacity(30, memory_per_user="4G", node_memory="32G")
    assert (capacity.users_per_node, capacity.nodes_needed, capacity.nodes_to_prewarm) == (7, 5, 3)


def test_one_user_per_node_when_memory_barely_fits() -> None:
    # 126 GiB usable, 126 GiB per user: 1 per node; 10 attendees need 10 nodes, pre-warm 7 (3 wait: 30%).
    capacity = suggest_capacity(10, memory_per_user="126G")
    assert (capacity.users_per_node, capacity.nodes_needed, capacity.nodes_to_prewarm) == (1, 10, 7)


def test_a_user_that_does_not_fit_on_a_node_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"127 GiB does not fit on a 128 GiB node"):
        suggest_capacity(10, memory_per_user="127G")
    with pytest.raises(ValueError, match="does not fit"):
        suggest_capacity(10, memory_per_user="512M", node_memory="2G")


def test_command_needs_both_cluster_and_hub_name() -> None:
    assert suggest_capacity(80, cluster="nasa-cryo", hub_name="prod").command == (
        "deployer generate node-replicas nasa-cryo prod 1"
    )
    assert suggest_capacity(80, cluster="nasa-cryo").command is None
    assert suggest_capacity(80, hub_name="prod").command is None
    assert "command" not in suggest_capacity(80, hub_name="prod").as_json()


@pytest.mark.parametrize("name", ["prod; rm -rf /", "$(id)", "-x", "a b", ""])
def test_names_unsafe_in_a_shell_command_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a name"):
        suggest_capacity(80, cluster=name, hub_name="prod")
    with pytest.raises(ValueError, match="not a name"):
        suggest_capacity(80, cluster="cluster", hub_name=name)


@given(
    attendees=st.integers(1, 5000),
    per_user_mib=st.integers(256, 64 * 1024),
    node_gib=st.sampled_from([32, 64, 128, 256, 512]),
)
def test_counts_meet_their_definitions(attendees: int, per_user_mib: int, node_gib: int) -> None:
    usable = (node_gib - 2) * GI
    per_user = per_user_mib * MI
    if per_user > usable:
        return
    capacity = suggest_capacity(attendees, memory_per_user=f"{per_user_mib}M", node_memory=f"{node_gib}G")
    per_node = capacity.users_per_node
    assert per_node == min(100, usable // per_user)
    assert capacity.nodes_needed * per_node >= attendees > (capacity.nodes_needed - 1) * per_node
    waiting = attendees - capacity.nodes_to_prewarm * per_node
    assert 10 * waiting <= 3 * attendees
    assert 10 * (waiting + per_node) > 3 * attendees
    assert 1 <= capacity.nodes_to_prewarm <= capacity.nodes_needed
