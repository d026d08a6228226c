// Package export writes tables — rows under a header — as files that
// spreadsheets open: CSV (UTF-8 with a byte-order mark and CRLF line ends,
// so that Excel reads Chinese correctly) and XLSX. A table of search
// results (search.go) is one kind of table; another kind needs only its
// columns and a way to make its rows.
package export

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is a file format of an export.
type Format string

// The formats an export can be written in.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Formats lists the export formats.
var Formats = []Format{CSV, XLSX}

// ParseFormat reads a format's name (csv, xlsx), ignoring case.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("unknown export format %q (csv, xlsx)", s)
}

// MediaType is the format's media type, as sent in Content-Type.
func (f Format) MediaType() string {
	if f == XLSX {
		return MediaTypeXLSX
	}
	return MediaTypeCSV
}

// Media types of the formats.
const (
	MediaTypeCSV  = "text/csv; charset=utf-8"
	MediaTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Column is one column of a table.
type Column struct {
	// Name is the header cell.
	Name string
	// Width is the column's width in a spreadsheet, in characters of the
	// default font (a Chinese character takes about two); 0 leaves the
	// spreadsheet's default.
	Width float64
	// Wrap wraps long text within the cell in a spreadsheet.
	Wrap bool
}

// Table writes rows under a header. Cells are strings, ints (numbers in a
// spreadsheet) or nil (empty).
type Table interface {
	// Row writes one row, a cell per column.
	Row(cells []any) error
	// Flush passes the rows written so far on to the writer, and flushes
	// the writer when it can be (an http.ResponseWriter, a bufio.Writer).
	// An XLSX file cannot be read before its end, so it passes nothing on
	// before Close.
	Flush() error
	// Close finishes the file and releases what the table holds; it does
	// not close the writer.
	Close() error
	// Discard releases what the table holds without finishing the file,
	// after a failure.
	Discard()
}

// NewTable starts a table of format f on w, writing its header. sheet
// names the worksheet of an XLSX file.
func NewTable(f Format, w io.Writer, sheet string, cols []Column) (Table, error) {
	switch f {
	case CSV:
		return newCSV(w, cols)
	case XLSX:
		return newXLSX(w, sheet, cols)
	}
	return nil, fmt.Errorf("unknown export format %q", string(f))
}

// flusher is what http.ResponseWriter and bufio.Writer flush by.
type (
	flusher    interface{ Flush() }
	errFlusher interface{ Flush() error }
)

// csvTable writes CSV as Excel reads it: UTF-8 with a byte-order mark,
// CRLF line ends, quoting as encoding/csv does.
type csvTable struct {
	w     io.Writer
	cw    *csv.Writer
	cols  int
	cells []string
}

func newCSV(w io.Writer, cols []Column) (*csvTable, error) {
	// The byte-order mark is what tells Excel the file is UTF-8; without
	// it Chinese is read in the system's code page and garbled.
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	t := &csvTable{w: w, cw: csv.NewWriter(w), cols: len(cols), cells: make([]string, len(cols))}
	t.cw.UseCRLF = true
	for i, c := range cols {
		t.cells[i] = c.Name
	}
	if err := t.cw.Write(t.cells); err != nil {
		return nil, fmt.Errorf("write CSV header: %w", err)
	}
	return t, nil
}

func (t *csvTable) Row(cells []any) error {
	if len(cells) != t.cols {
		return fmt.Errorf("row of %d cells in a table of %d columns", len(cells), t.cols)
	}
	for i, c := range cells {
		t.cells[i] = csvCell(c)
	}
	if err := t.cw.Write(t.cells); err != nil {
		return fmt.Errorf("write CSV row: %w", err)
	}
	return nil
}

// csvCell writes a cell as text. Text that a spreadsheet would take for a
// formula (=, +, -, @ first) gets a leading apostrophe, so that a document's
// text can never run as one in the reader's spreadsheet.
func csvCell(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	case int:
		return strconv.Itoa(v)
	}
	return fmt.Sprint(c)
}

func (t *csvTable) Flush() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	switch f := t.w.(type) {
	case errFlusher:
		if err := f.Flush(); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	case flusher:
		f.Flush()
	}
	return nil
}

func (t *csvTable) Close() error { return t.Flush() }

func (t *csvTable) Discard() {}

// xlsxTable writes an XLSX workbook of one sheet through excelize's
// stream writer, which keeps the rows as XML in a buffer that passes to
// a temporary file beyond 16 MiB, not as values in memory. The zip is
// written to w at Close, as it is compressed.
type xlsxTable struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	styles []int
	row    int
	cells  []any
}

func newXLSX(w io.Writer, sheet string, cols []Column) (_ *xlsxTable, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			_ = f.Close()
			err = fmt.Errorf("start XLSX: %w", err)
		}
	}()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	plain, err := f.NewStyle(&excelize.Style{Alignment: top})
	if err != nil {
		return nil, err
	}
	wrapped, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEFF3"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	t := &xlsxTable{w: w, f: f, sw: sw, styles: make([]int, len(cols)), cells: make([]any, len(cols))}
	header := make([]any, len(cols))
	for i, c := range cols {
		if c.Width > 0 {
			if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return nil, err
			}
		}
		t.styles[i] = plain
		if c.Wrap {
			t.styles[i] = wrapped
		}
		header[i] = excelize.Cell{StyleID: bold, Value: c.Name}
	}
	// The header row stays in view while the rows scroll.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	t.row = 1
	return t, nil
}

func (t *xlsxTable) Row(cells []any) error {
	if len(cells) != len(t.styles) {
		return fmt.Errorf("row of %d cells in a table of %d columns", len(cells), len(t.styles))
	}
	for i, c := range cells {
		t.cells[i] = excelize.Cell{StyleID: t.styles[i], Value: c}
	}
	t.row++
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return fmt.Errorf("write XLSX row: %w", err)
	}
	if err := t.sw.SetRow(cell, t.cells); err != nil {
		return fmt.Errorf("write XLSX row %d: %w", t.row, err)
	}
	return nil
}

func (t *xlsxTable) Discard() {
	if t.f != nil {
		_ = t.f.Close() // removes the temporary files
		t.f = nil
	}
}

// Flush does nothing: no part of a zip can be read before its end.
func (t *xlsxTable) Flush() error { return nil }

func (t *xlsxTable) Close() error {
	if t.f == nil {
		return errors.New("XLSX table closed twice")
	}
	f := t.f
	t.f = nil
	err := t.sw.Flush()
	if err == nil {
		// excelize's own Write assembles the whole zip in memory first;
		// its zip writer, pointed at w, compresses straight into it.
		bw := bufio.NewWriterSize(t.w, 64<<10)
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(bw) })
		if _, err = f.WriteToBuffer(); err == nil {
			err = bw.Flush()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
