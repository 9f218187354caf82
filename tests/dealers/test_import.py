"""Dealer import: a good file saves every row; any fault lists every error and saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from qudao.core.excel import ImportFailed
from qudao.dealers.importer import dealers_import
from qudao.dealers.models import Dealer
from tests import helpers

HEADER_EN = ["Dealer code", "Name", "Channel level", "Region code", "Parent dealer code",
             "Vehicles", "Registered capital (CNY)", "Tags"]


def xlsx(rows, header=HEADER_EN) -> SimpleUploadedFile:
    return helpers.xlsx(rows, header, "dealers.xlsx")


@pytest.mark.django_db
def test_good_file_creates_every_row_with_parents_from_the_file(world, hq_admin):
    upload = xlsx([
        ["N001", "邢台新华商贸", "Tier-1 distributor", "130100", None, 5, 2000000, "新开发"],
        ["N002", "邢台二批一号", "tier2", "130200", "N001", "2", None, None],
        ["N003", "邢台便利店", "Retail terminal", "石家庄市", "A0001", None, None, None],
    ])
    assert dealers_import(actor=hq_admin, upload=upload) == 3
    child = Dealer.objects.get(code="N002")
    assert child.parent.code == "N001" and child.vehicles == 2
    assert Dealer.objects.get(code="N003").territory == world.shijiazhuang
    assert list(Dealer.objects.get(code="N001").tags.values_list("name", flat=True)) == ["新开发"]


@pytest.mark.django_db
def test_chinese_headers_and_labels_are_understood(world, hq_admin):
    from django.utils import translation

    from qudao.dealers.choices import ChannelLevel
    from qudao.dealers.importer import COLUMNS

    keys = ["code", "name", "channel_level", "territory"]
    with translation.override("zh-hans"):
        header = [str(c.header) for c in COLUMNS if c.key in keys]
        tier1 = str(ChannelLevel.TIER1.label)
    assert header[0] == "经销商编码" and tier1 == "一批经销商"
    upload = xlsx([["Z001", "中文表头商贸", tier1, "130100"]], header=header)
    assert dealers_import(actor=hq_admin, upload=upload) == 1
    assert Dealer.objects.get(code="Z001").channel_level == "tier1"


@pytest.mark.django_db
def test_every_fault_is_reported_by_row_and_column_and_nothing_is_saved(world, hq_admin):
    before = Dealer.objects.count()
    upload = xlsx([
        ["N001", "好的一行", "tier1", "130100", None, 1, None, None],
        ["N002", "坏数字", "tier1", "130100", None, "三辆", None, None],      # bad number
        ["N003", "未知区域", "tier1", "999999", None, None, None, None],      # unknown region
        ["A0001", "重复编码", "tier1", "130100", None, None, None, None],     # exists already
        ["N001", "文件内重复", "tier1", "130100", None, None, None, None],    # twice in file
        ["N006", "未知上级", "tier2", "130100", "NOPE", None, None, None],    # unknown parent
        ["N007", "坏层级", "tier9", "130100", None, None, "abc", None],       # bad choice, number
        ["N008", None, "tier1", "130100", None, None, None, None],           # missing name
    ])
    with pytest.raises(ImportFailed) as caught:
        dealers_import(actor=hq_admin, upload=upload)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "Vehicles"), (4, "Region code"), (5, "Dealer code"), (6, "Dealer code"),
        (7, "Parent dealer code"), (8, "Channel level"), (8, "Registered capital (CNY)"),
        (9, "Name"),
    }
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "三辆" in messages[(3, "Vehicles")]
    assert "999999" in messages[(4, "Region code")]
    assert "row 2" in messages[(6, "Dealer code")]
    assert Dealer.objects.count() == before


@pytest.mark.django_db
def test_missing_required_column_is_reported(world, hq_admin):
    upload = xlsx([["N001", "无层级", "130100"]], header=["Dealer code", "Name", "Region code"])
    with pytest.raises(ImportFailed) as caught:
        dealers_import(actor=hq_admin, upload=upload)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "Channel level")]
    assert not Dealer.objects.filter(code="N001").exists()


@pytest.mark.django_db
def test_rule_broken_at_save_time_rolls_back_the_whole_file(world, north_rep):
    # The rep may not file dealers in 杭州: the service refuses row 3 after row 2 was created.
    upload = xlsx([
        ["N001", "河北商贸", "tier1", "130100", None, None, None, None],
        ["N002", "杭州商贸", "tier1", "330100", None, None, None, None],
    ])
    with pytest.raises(ImportFailed) as caught:
        dealers_import(actor=north_rep, upload=upload)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "Region code")]
    assert not Dealer.objects.filter(code__in=["N001", "N002"]).exists()


@pytest.mark.django_db
def test_not_an_excel_file(world, hq_admin):
    with pytest.raises(ImportFailed) as caught:
        dealers_import(actor=hq_admin, upload=SimpleUploadedFile("x.xlsx", b"plain text"))
    assert caught.value.errors[0].row == 0


@pytest.mark.django_db
def test_export_follows_the_list_filters(world, hq_admin, login):
    client = login(hq_admin)
    response = client.get("/dealers/export/?channel_level=tier1&sort=-code")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["BJ001", "B0001", "A0001"]


@pytest.mark.django_db
def test_exported_file_round_trips_through_import(world, hq_admin, login):
    client = login(hq_admin)
    content = client.get("/dealers/export/?q=A000").content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    Dealer.objects.filter(code__in=["A0002", "A0003"]).delete()
    kept = [rows[0]] + [r for r in rows[1:] if r[0] in ("A0002", "A0003")]
    book = Workbook()
    for row in kept:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    created = dealers_import(actor=hq_admin,
                             upload=SimpleUploadedFile("again.xlsx", buffer.getvalue()))
    assert created == 2
    assert Dealer.objects.get(code="A0002").parent.code == "A0001"
