package export

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// MaxRows is how many hits a search export holds at most by default.
const MaxRows = 10000

// chunk is how many hits one engine call reads.
const chunk = search.MaxSize

// SearchColumns are the columns of a search export, one row per hit.
var SearchColumns = []Column{
	{Name: "序号", Width: 6},
	{Name: "标题", Width: 32, Wrap: true},
	{Name: "省份", Width: 10},
	{Name: "城市", Width: 10},
	{Name: "县区", Width: 10},
	{Name: "层级", Width: 6},
	{Name: "年份", Width: 6},
	{Name: "文种", Width: 10},
	{Name: "发文机关", Width: 22},
	{Name: "文号", Width: 18},
	{Name: "条号", Width: 6},
	{Name: "章节", Width: 32, Wrap: true},
	{Name: "引用", Width: 36, Wrap: true},
	{Name: "正文", Width: 80, Wrap: true},
	{Name: "主题", Width: 18},
	{Name: "链接", Width: 40},
}

// SearchSheet names the worksheet of a search export.
const SearchSheet = "检索结果"

// Source is what a search export reads; *search.Engine is one.
type Source interface {
	Search(ctx context.Context, r search.Request) (*search.Response, error)
	DocumentInfos(ctx context.Context, ids []string) (map[string]indexer.DocumentInfo, error)
}

// SearchExport is a search being exported. Its first page is read when it
// starts, so that the total is known before anything is written.
type SearchExport struct {
	// Total is how many provisions the search finds.
	Total int
	// Rows is how many of them the export holds: Total, or the cap.
	Rows int
	// Truncated says that the cap cut the list.
	Truncated bool

	src   Source
	req   search.Request
	base  string
	first *search.Response
	docs  map[string]indexer.DocumentInfo
}

// StartSearch runs the first page of r (its Page and Size are ignored:
// the export reads every page from the first) and returns the export of at
// most maxRows hits (0: MaxRows). linkBase is the web interface's address
// (https://host), which each row's link starts with; empty gives links
// relative to it.
func StartSearch(ctx context.Context, src Source, r search.Request, maxRows int, linkBase string) (*SearchExport, error) {
	if maxRows <= 0 {
		maxRows = MaxRows
	}
	// Every page may reach the cap, beyond the window of ordinary paging.
	size := min(chunk, maxRows)
	r.Page, r.Size, r.NoFacets, r.Depth = 1, size, true, (maxRows+size-1)/size*size
	res, err := src.Search(ctx, r)
	if err != nil {
		return nil, err
	}
	// The first page asked for a fresh search, if at all; the next ones
	// read the matches it left in the cache.
	r.NoCache = false
	x := &SearchExport{Total: res.Total, Rows: min(res.Total, maxRows), Truncated: res.Total > maxRows,
		src: src, req: r, base: strings.TrimRight(linkBase, "/"), first: res, docs: map[string]indexer.DocumentInfo{}}
	return x, nil
}

// Write writes the export's rows to t in rank order, a page of hits at a
// time, flushing t after each, and returns how many it wrote. It writes
// neither the header (NewTable does) nor closes t.
func (x *SearchExport) Write(ctx context.Context, t Table) (int, error) {
	n := 0
	res := x.first
	x.first = nil
	for page := 1; n < x.Rows; page++ {
		if res == nil {
			r := x.req
			r.Page = page
			var err error
			if res, err = x.src.Search(ctx, r); err != nil {
				return n, fmt.Errorf("export page %d: %w", page, err)
			}
		}
		if err := x.lookUp(ctx, res.Hits); err != nil {
			return n, err
		}
		for _, h := range res.Hits {
			if n == x.Rows {
				break
			}
			n++
			if err := t.Row(x.row(n, &h)); err != nil {
				return n, err
			}
		}
		if err := t.Flush(); err != nil {
			return n, err
		}
		if len(res.Hits) < x.req.Size {
			break // the index changed since the first page: fewer hits now
		}
		res = nil
	}
	return n, nil
}

// lookUp reads the metadata of the hits' documents not yet seen.
func (x *SearchExport) lookUp(ctx context.Context, hits []search.Hit) error {
	var ids []string
	for _, h := range hits {
		if _, ok := x.docs[h.DocID]; !ok {
			x.docs[h.DocID] = indexer.DocumentInfo{}
			ids = append(ids, h.DocID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	infos, err := x.src.DocumentInfos(ctx, ids)
	if err != nil {
		return fmt.Errorf("export: document metadata: %w", err)
	}
	for id, info := range infos {
		x.docs[id] = info
	}
	return nil
}

// row makes the row of the n-th hit.
func (x *SearchExport) row(n int, h *search.Hit) []any {
	doc := x.docs[h.DocID]
	var year any
	if h.Year > 0 {
		year = h.Year
	}
	return []any{n, h.DocTitle, h.Province, h.City, h.County, h.Level, year, h.DocType,
		doc.Issuer, doc.DocNumber, h.Number, strings.Join(h.HeadingPath, " › "),
		Citation(&h.Provision), h.Text, strings.Join(h.Themes, "、"), x.base + ProvisionPath(h.ID)}
}

// ProvisionPath is the web interface's address of a provision's view,
// from its root.
func ProvisionPath(id string) string {
	return "/?view=provision&id=" + url.QueryEscape(id)
}

const hanNum = `[一二三四五六七八九十百零〇两]+`

var (
	chapterRe = regexp.MustCompile(`^[\s\p{Zs}]*(` + hanNum + `)[\s\p{Zs}]*[、.．]`)
	partRe    = regexp.MustCompile(`^[\s\p{Zs}]*(第` + hanNum + `(?:部分|章|篇))`)
	subRe     = regexp.MustCompile(`^[\s\p{Zs}]*([（(][\s\p{Zs}]*` + hanNum + `[\s\p{Zs}]*[)）])`)
	spaceRe   = regexp.MustCompile(`[\s\p{Zs}]+`)
	halfWidth = strings.NewReplacer("（", "(", "）", ")")
)

// chapterOrdinal reads a chapter heading's ordinal: 二、 from 二、突出重点…,
// 第一部分 from 第一部分….
func chapterOrdinal(heading string) string {
	if m := chapterRe.FindStringSubmatch(heading); m != nil {
		return m[1] + "、"
	}
	if m := partRe.FindStringSubmatch(heading); m != nil {
		return m[1]
	}
	return ""
}

// subOrdinal reads a sub-chapter heading's ordinal: (一) from (一)构建….
func subOrdinal(heading string) string {
	if m := subRe.FindStringSubmatch(heading); m != nil {
		return spaceRe.ReplaceAllString(m[1], "")
	}
	return ""
}

// Citation is the way a drafter cites a provision, as the web interface
// writes it (format.js, citation): the document's title in 《》, then the
// chapter's ordinal, the sub-chapter's and the provision's own number, as
// in 《2020年嘉兴市卫生健康工作要点》二、6; a provision without any is cited
// by its paragraph, 第3段.
func Citation(p *indexer.Provision) string {
	var chapter, sub string
	if len(p.HeadingPath) > 0 {
		chapter = chapterOrdinal(p.HeadingPath[0])
	}
	if len(p.HeadingPath) > 1 {
		sub = subOrdinal(p.HeadingPath[1])
	}
	number := strings.TrimSpace(p.Number)
	// A sub-chapter that is itself the provision is named once.
	if number != "" && sub != "" && halfWidth.Replace(number) == halfWidth.Replace(sub) {
		number = ""
	}
	place := chapter + sub + number
	switch {
	case place == "":
		place = fmt.Sprintf("第%d段", p.Ordinal+1)
	case number == "" && sub == "" && strings.HasSuffix(chapter, "、"):
		place = strings.TrimSuffix(chapter, "、")
	}
	return "《" + p.DocTitle + "》" + place
}

// unsafeName matches what a file name may not hold on common systems.
var unsafeName = regexp.MustCompile(`[\x00-\x1f\x7f/\\:*?"<>|'“”‘’「」『』＂]+`)

// FileName names the file of a search's export:
// policysearch-医共体-2026-12-07.csv. The query is cut to 40 characters;
// an empty one (browsing by filters) is left out.
func FileName(query string, day time.Time, f Format) string {
	q := unsafeName.ReplaceAllString(query, " ")
	q = strings.Join(strings.Fields(q), "_")
	if rs := []rune(q); len(rs) > 40 {
		q = string(rs[:40])
	}
	parts := []string{"policysearch"}
	if q != "" {
		parts = append(parts, q)
	}
	parts = append(parts, day.Format(time.DateOnly))
	return strings.Join(parts, "-") + "." + string(f)
}
