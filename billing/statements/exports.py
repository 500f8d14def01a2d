"""Statement exports: CSV cells that spreadsheets will not execute, and the PDF statement."""

from __future__ import annotations

import csv
from html import escape
from io import BytesIO, StringIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def pdf_text(value) -> str:
    """Data for a ReportLab Paragraph, which parses its text as markup: every character
    stays text, so a name like `<img src="/etc/passwd">` is printed, never opens a file."""
    return escape("" if value is None else str(value), quote=True)


def statement_filename(statement, extension: str) -> str:
    """The download name of a statement file, the same for the page and the API."""
    return f"statement-{statement.dsp_id}-{statement.week_start}.{extension}"


def statement_csv(statement) -> str:
    """The statement as CSV: one row per line, then gross, deductions and net."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "kind", "description", "quantity", "rate", "amount"])
    for line in statement.lines.all():
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    "deduction" if line.is_deduction else "earning",
                    line.kind,
                    line.description,
                    line.quantity,
                    line.rate,
                    line.amount,
                )
            ]
        )
    writer.writerow(["total", "", "gross", "", "", statement.gross])
    writer.writerow(["total", "", "deductions", "", "", statement.deductions])
    writer.writerow(["total", "", "net", "", "", statement.net])
    return out.getvalue()


def statement_pdf(statement) -> bytes:
    """The statement as a one-table PDF: lines, then gross, deductions and net.

    Paragraph text goes through pdf_text; table cells are plain strings, which ReportLab
    draws as they are without parsing markup."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Statement {statement.week_start}")
    styles = getSampleStyleSheet()
    rows = [["", "Description", "Quantity", "Rate", "Amount"]]
    for line in statement.lines.all():
        rows.append(
            [
                "−" if line.is_deduction else "+",
                line.description[:60],
                str(line.quantity),
                str(line.rate),
                f"{line.amount:,.2f}",
            ]
        )
    rows += [
        ["", "Gross", "", "", f"{statement.gross:,.2f}"],
        ["", "Deductions", "", "", f"{statement.deductions:,.2f}"],
        ["", "Net payout", "", "", f"{statement.net:,.2f}"],
    ]
    table = Table(rows, colWidths=[18, 250, 70, 70, 80])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LINEABOVE", (0, -3), (-1, -3), 0.5, colors.grey),
            ]
        )
    )
    doc.build(
        [
            Paragraph(f"Payout statement · {pdf_text(statement.dsp.name)}", styles["Title"]),
            Paragraph(
                f"Week {statement.week_start} to {statement.week_end} · "
                f"{pdf_text(statement.get_status_display())}",
                styles["Normal"],
            ),
            Spacer(1, 12),
            table,
        ]
    )
    return buffer.getvalue()
