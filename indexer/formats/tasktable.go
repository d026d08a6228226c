package formats

import (
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// Work plans often come as a task table (任务分解表): a header row naming
// the columns (序号 | 工作任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限)
// and a row per task. Read cell by cell joined with spaces, a row loses
// which cell said what: the offices run into the task. A row of such a
// table is written as the genre writes a task in prose, a numbered item
// with its office note (1.推进医共体建设。完善…（牵头单位：医政医管处；
// 配合单位：规划处）（完成时限：2023年底）), which the indexer reads like
// any other item.

// columnRole is what a column of a task table holds.
type columnRole int

const (
	roleOther columnRole = iota
	roleNumber
	roleTask
	roleMeasure
	roleLead
	roleSupport
	roleDeadline
	roleDrop // a person (责任领导, 责任人): not an office, not the task
)

// columnNames are the header cells of task tables, by role; a header cell
// is matched whole, spaces aside.
var columnNames = map[columnRole][]string{
	roleNumber:   {"序号", "编号", "序"},
	roleTask:     {"工作任务", "重点任务", "主要任务", "任务", "工作内容", "重点工作", "工作事项", "任务内容", "任务名称", "工作项目", "项目名称"},
	roleMeasure:  {"具体措施", "工作措施", "主要措施", "具体内容", "工作举措", "主要内容", "工作目标", "目标任务", "具体任务", "工作要求"},
	roleLead:     {"牵头单位", "牵头处室", "责任单位", "责任处室", "牵头部门", "责任部门", "主责单位", "牵头科室", "责任科室", "牵头责任单位"},
	roleSupport:  {"配合单位", "配合处室", "协办单位", "参与单位", "配合部门", "协作单位", "配合科室", "协办处室"},
	roleDeadline: {"完成时限", "完成时间", "时间节点", "时限", "进度安排", "完成期限", "时间安排"},
	roleDrop:     {"责任领导", "分管领导", "责任人", "联系人", "牵头领导"},
}

// roleOf is the role a header cell names, and whether it names one.
func roleOf(cell string) (columnRole, bool) {
	c := analyzers.StripSpaces(cell)
	for role, names := range columnNames {
		for _, n := range names {
			if c == n {
				return role, true
			}
		}
	}
	return roleOther, false
}

// taskTable rewrites the rows of one table once its header row is seen.
type taskTable struct {
	roles []columnRole // nil until a header row is seen
}

// row returns what a row of the table reads as: "" and true for the
// header row (furniture once its columns are known), the task written as
// an item for a task row, and false for a row the table's header does not
// describe (to be read as before).
func (t *taskTable) row(cells []string) (string, bool) {
	if roles, ok := headerRoles(cells); ok {
		t.roles = roles
		return "", true
	}
	if t.roles == nil || len(cells) != len(t.roles) {
		return "", false
	}
	col := map[columnRole][]string{}
	for i, c := range cells {
		if c = analyzers.TrimSpace(c); c == "" {
			continue
		}
		role := t.roles[i]
		if role == roleOther {
			role = roleMeasure // a column the header does not name is told as part of the task
		}
		col[role] = append(col[role], c)
	}
	num, task, measure := col[roleNumber], col[roleTask], col[roleMeasure]
	lead, support, deadline := col[roleLead], col[roleSupport], col[roleDeadline]
	text := asSentences(append(task, measure...))
	if text == "" {
		return "", false
	}
	var b strings.Builder
	if len(num) == 1 && isDigits(num[0]) {
		b.WriteString(num[0] + ".")
	}
	b.WriteString(text)
	var note []string
	if len(lead) > 0 {
		note = append(note, "牵头单位："+strings.Join(lead, "、"))
	}
	if len(support) > 0 {
		note = append(note, "配合单位："+strings.Join(support, "、"))
	}
	if len(note) > 0 {
		b.WriteString("（" + strings.Join(note, "；") + "）")
	}
	if len(deadline) > 0 {
		b.WriteString("（完成时限：" + strings.Join(deadline, "，") + "）")
	}
	return b.String(), true
}

// headerRoles reads a header row: the role of each cell, when the row
// names a task or measure column and one of offices or deadline, and
// every cell is a column name or short.
func headerRoles(cells []string) ([]columnRole, bool) {
	roles := make([]columnRole, len(cells))
	has := map[columnRole]bool{}
	for i, c := range cells {
		role, ok := roleOf(c)
		if !ok && utf8.RuneCountInString(analyzers.StripSpaces(c)) > 8 {
			return nil, false
		}
		roles[i] = role
		has[role] = true
	}
	if !has[roleTask] && !has[roleMeasure] {
		return nil, false
	}
	if !has[roleLead] && !has[roleSupport] && !has[roleDeadline] {
		return nil, false
	}
	return roles, true
}

// asSentences joins cells into running text, each ended as a sentence.
func asSentences(cells []string) string {
	var b strings.Builder
	for _, c := range cells {
		c = strings.ReplaceAll(analyzers.TrimSpace(c), "\n", "")
		if c == "" {
			continue
		}
		b.WriteString(c)
		if last, _ := utf8.DecodeLastRuneInString(c); !strings.ContainsRune("。；;！？!?", last) {
			b.WriteString("。")
		}
	}
	return b.String()
}

// isDigits reports whether s is a number written in digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
