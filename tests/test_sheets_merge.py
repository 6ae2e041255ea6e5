"""The keyed three-way merge alone: base / workbook / sheet in, two targets and conflicts out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from icp_sheets.sheets.grid import diff, keyed, layout, rectangles
from icp_sheets.sheets.merge import Formula, Side, Table, merge, next_base, same

COLS = ["Company", "Employees"]


def table(*rows: tuple[str, str | None, float | None], columns: list[str] = COLS) -> Table:
    return Table.of(columns, [(k, dict(zip(columns, vals, strict=True))) for k, *vals in rows])


BASE = table(("a", "Acme", 10), ("b", "Beta", 20))


def test_one_side_changes_a_cell_and_the_other_side_takes_it() -> None:
    wb = table(("a", "Acme", 11), ("b", "Beta", 20))
    sh = table(("a", "Acme", 10), ("b", "Beta Ltd", 20))
    m = merge(BASE, wb, sh, tab="Accounts")
    assert m.conflicts == []
    for side in (m.workbook, m.sheet):
        assert side.rows == {"a": {"Company": "Acme", "Employees": 11}, "b": {"Company": "Beta Ltd", "Employees": 20}}


def test_both_sides_change_a_cell_differently_is_a_conflict_and_nothing_is_overwritten() -> None:
    wb = table(("a", "Acme", 11), ("b", "Beta", 20))
    sh = table(("a", "Acme", 12), ("b", "Beta", 20))
    m = merge(BASE, wb, sh, tab="Accounts")
    (c,) = m.conflicts
    assert (c.tab, c.key, c.column, c.workbook, c.sheet, c.base) == ("Accounts", "a", "Employees", 11, 12, 10)
    assert m.workbook.get("a", "Employees") == 11
    assert m.sheet.get("a", "Employees") == 12
    assert "Accounts, row a (Acme), Employees: workbook has 11, sheet has 12" in str(c)


def test_prefer_settles_conflicts_for_the_named_side() -> None:
    wb = table(("a", "Acme", 11), ("b", "Beta", 20))
    sh = table(("a", "Acme", 12), ("b", "Beta", 20))
    for prefer, value in ((Side.WORKBOOK, 11), (Side.SHEET, 12)):
        m = merge(BASE, wb, sh, prefer=prefer)
        assert m.workbook.get("a", "Employees") == m.sheet.get("a", "Employees") == value
        assert m.unresolved == []


def test_results_changed_on_both_sides_take_the_sheets_refresh_without_a_conflict() -> None:
    cols = ["Company", "icp_score"]
    base = Table.of(cols, [("a", {"Company": "Acme", "icp_score": 3})])
    wb = Table.of(cols, [("a", {"Company": "Acme", "icp_score": 4})])
    sh = Table.of(cols, [("a", {"Company": "Acme", "icp_score": 5})])
    m = merge(base, wb, sh, derived=frozenset({"icp_score"}))
    assert m.conflicts == [] and m.workbook.get("a", "icp_score") == m.sheet.get("a", "icp_score") == 5


def test_same_change_on_both_sides_is_no_conflict() -> None:
    wb = table(("a", "Acme", 11), ("b", "Beta", 20))
    m = merge(BASE, wb, table(("a", "Acme", 11.0), ("b", "Beta", 20)))
    assert m.conflicts == []


def test_rows_added_on_both_sides_both_survive() -> None:
    wb = table(("a", "Acme", 10), ("b", "Beta", 20), ("c", "Cobalt", 5))
    sh = table(("a", "Acme", 10), ("b", "Beta", 20), ("d", "Delta", 7))
    m = merge(BASE, wb, sh)
    assert m.workbook.order == ["a", "b", "c", "d"]
    assert m.sheet.order == ["a", "b", "d", "c"]  # each side keeps its order, new rows at the end


def test_row_deleted_on_one_side_and_untouched_on_the_other_is_deleted() -> None:
    m = merge(BASE, table(("a", "Acme", 10)), BASE)
    assert list(m.workbook.rows) == list(m.sheet.rows) == ["a"]
    assert m.conflicts == []


def test_row_deleted_on_one_side_and_edited_on_the_other_is_kept_and_reported() -> None:
    m = merge(BASE, table(("a", "Acme", 10)), table(("a", "Acme", 10), ("b", "Beta", 25)))
    assert m.workbook.get("b", "Employees") == m.sheet.get("b", "Employees") == 25
    (c,) = m.conflicts
    assert c.column is None and c.key == "b"
    assert "deleted in the workbook but edited in the sheet" in str(c)


def test_a_column_one_side_lacks_deletes_nothing() -> None:
    wb = Table.of(["Company"], [("a", {"Company": "Acme"}), ("b", {"Company": "Beta"})])
    m = merge(BASE, wb, BASE)
    assert m.workbook.get("a", "Employees") == 10
    assert m.conflicts == []


def test_formula_and_text_that_looks_like_one_differ() -> None:
    assert not same(Formula("=1+1"), "=1+1")
    assert not same(True, 1)
    assert same(1, 1.0)
    base = table(("a", "Acme", 10))
    m = merge(base, table(("a", "Acme", 10)), Table.of(COLS, [("a", {"Company": Formula("=A1"), "Employees": 10})]))
    assert m.workbook.get("a", "Company") == Formula("=A1")


def test_next_base_keeps_the_old_value_where_the_sides_still_differ() -> None:
    wb = table(("a", "Acme", 11), ("b", "Beta", 20))
    sh = table(("a", "Acme", 12), ("b", "Beta", 21))
    new = next_base(BASE, wb, sh)
    assert new.get("a", "Employees") == 10  # still a conflict next time
    assert new.get("b", "Employees") == 20


cell = st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(["x", "y", "=x"]))
rows = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.tuples(cell, cell), max_size=4)


def _t(d: dict[str, tuple[object, object]]) -> Table:
    return Table.of(COLS, [(k, dict(zip(COLS, v, strict=True))) for k, v in sorted(d.items())])


@given(rows, rows, rows)
def test_merge_never_loses_a_change_that_only_one_side_made(
    b: dict[str, tuple[object, object]], w: dict[str, tuple[object, object]], s: dict[str, tuple[object, object]]
) -> None:
    base, wb, sh = _t(b), _t(w), _t(s)
    m = merge(base, wb, sh)
    for key in set(w) | set(s):
        for col in COLS:
            bv = base.get(key, col) if key in base.rows else None
            wv = wb.get(key, col) if key in wb.rows else None
            sv = sh.get(key, col) if key in sh.rows else None
            if key in wb.rows and key in sh.rows and same(sv, bv) and not same(wv, bv) and key in base.rows:
                assert same(m.sheet.get(key, col), wv)
            if key in wb.rows and key in sh.rows and same(wv, bv) and not same(sv, bv) and key in base.rows:
                assert same(m.workbook.get(key, col), sv)
    # rows added on either side are never dropped
    for key in (set(w) | set(s)) - set(b):
        assert key in m.workbook.rows and key in m.sheet.rows


@given(rows, rows)
def test_merging_twice_changes_nothing_more(
    w: dict[str, tuple[object, object]], s: dict[str, tuple[object, object]]
) -> None:
    first = merge(None, _t(w), _t(s), prefer=Side.SHEET)
    base = next_base(None, first.workbook, first.sheet)
    again = merge(base, first.workbook, first.sheet)
    assert again.workbook.rows == first.workbook.rows
    assert again.conflicts == []


def test_keyed_hands_out_ids_to_new_and_duplicated_rows() -> None:
    grid: list[list[object]] = [["Company", "icp_id"], ["Acme", "r1"], [None, None], ["Acme copy", "r1"], ["New", None]]
    k = keyed(grid, set())
    assert k.table.order[0] == "r1"
    assert len(k.table.order) == 3 and len(set(k.table.order)) == 3
    assert k.fresh == set(k.table.order[1:])
    assert k.positions["r1"] == 2


def test_layout_closes_deleted_rows_keeps_blank_rows_and_appends_new_ones() -> None:
    grid = [["Company", "icp_id"], ["Acme", "a"], ["Beta", "b"], [], ["Cobalt", "c"]]
    side = keyed(grid, set())
    target = Table.of(
        ["Company"], [("a", {"Company": "Acme"}), ("c", {"Company": "Cobalt"}), ("d", {"Company": "Delta"})]
    )
    out = layout(side, target)
    assert out == [["Company", "icp_id"], ["Acme", "a"], [], ["Cobalt", "c"], ["Delta", "d"]]
    changes = diff(grid, out)
    assert (3, 1, None) in changes and (5, 1, "Delta") in changes


def test_rectangles_group_runs_and_leave_untouched_cells_alone() -> None:
    cells = [(2, 1, "x"), (2, 2, "y"), (3, 1, "z"), (3, 2, "w"), (9, 5, 1)]
    rects = rectangles(cells)
    assert [(r[0], r[1], r[2], r[3]) for r in rects] == [(2, 1, 3, 2), (9, 5, 9, 5)]
    dense = rectangles([(1, 1, "a"), (1, 3, "c"), (2, 2, "b")])
    assert len(dense) == 1 and repr(dense[0][4][0][1]) == "UNCHANGED"
