package main

// Page templates and the programs fixtures are made with, shared by the
// seed fixtures and the real documents.

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// ArticleLines takes the document out of a seed: the seeds are web pages
// saved as text, so their own chrome and metadata lines are dropped.
func ArticleLines(seed string) []string {
	var lines []string
	for _, l := range strings.Split(seed, "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, "|", " "))
		l = strings.Trim(l, " \t\u3000\u00a0")
		if l == "" || chromeLine.MatchString(l) {
			continue
		}
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return lines
}

var chromeLine = regexp.MustCompile(`^(美章网|本站小编|计划总结$|索\s*引\s*号|组配分类|成文日期|发布日期|发布机构|[（(]此件公开发布[)）]$|分享到|关闭 打印|.*版权所有$|备案序号)`)

// Meta is a page's metadata table.
type Meta struct {
	Index, Issuer, Written, Number, Published, Topic string
}

// Page is what a template fills in.
type Page struct {
	Title, Site string
	Lines       []string // the article: title line(s) and paragraphs
	Meta        Meta
}

func esc(s string) string { return html.EscapeString(s) }

// body returns the article lines after the title as <p> paragraphs.
func paragraphs(lines []string, title string, open, close string) string {
	var b strings.Builder
	for _, l := range lines {
		if l == title {
			continue
		}
		b.WriteString(open + esc(l) + close + "\n")
	}
	return b.String()
}

// TableTemplate is a 卫健委 page of the older kind: GBK, layout tables, a
// metadata table above the title, the article in div#zoom.
func TableTemplate(p Page) string {
	m := p.Meta
	return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>` + esc(p.Title) + ` - ` + esc(p.Site) + `</title>
<meta name="SiteName" content="` + esc(p.Site) + `">
<meta name="ArticleTitle" content="` + esc(p.Title) + `">
<meta name="PubDate" content="` + m.Published + ` 09:30">
<meta name="ContentSource" content="市卫生健康委">
<style>body{font-size:14px} .bt{font-size:22px;text-align:center} #zoom p{text-indent:2em;line-height:1.8}</style>
<script type="text/javascript">var _hmt = _hmt || []; function doZoom(size){document.getElementById('zoom').style.fontSize=size+'px';}</script>
</head>
<body>
<div class="top"><img src="logo.png" alt="嘉兴市卫生健康委员会"><span class="date">今天是：2020年5月6日 星期三</span>
<form action="/search"><input name="q" value="请输入关键字"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/jggk/">机构概况</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/ztzl/">专题专栏</a></li></ul></div>
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
</td></tr></table>
<table width="1000" align="center" class="xxgk_table" border="1">
<tr><td class="label">索 引 号：</td><td>` + m.Index + `</td><td class="label">主题分类：</td><td>` + m.Topic + `</td></tr>
<tr><td class="label">发布机构：</td><td>` + esc(m.Issuer) + `</td><td class="label">成文日期：</td><td>` + m.Written + `</td></tr>
<tr><td class="label">文　　号：</td><td>` + esc(m.Number) + `</td><td class="label">发布日期：</td><td>` + m.Published + `</td></tr>
</table>
<table width="1000" align="center"><tr><td>
<div class="bt">` + esc(p.Title) + `</div>
<div class="fbxx">发布时间：` + m.Published + ` 09:30　　信息来源：市卫生健康委　　浏览次数：<span id="hits">1024</span>　　字体大小：【<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</div>
<div id="zoom">
` + paragraphs(p.Lines, p.Title, `<p>`, `</p>`) + `</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】 <span class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></span></div>
<div class="xgwz"><h3>相关链接</h3><ul>
<li><a href="/a/1.html">嘉兴市卫生健康委关于开展2020年度基层卫生人才招聘的公告</a> 2020-04-28</li>
<li><a href="/a/2.html">嘉兴市卫生健康委员会2019年度部门决算公开</a> 2020-04-20</li>
<li><a href="/a/3.html">关于公布2020年第一批市级医疗机构名单的通知</a> 2020-04-12</li>
</ul></div>
</td></tr></table>
<div class="footer"><p>主办单位：嘉兴市卫生健康委员会　　地址：嘉兴市南湖区中环东路1号</p>
<p>网站标识码：3304000001　　<a href="https://beian.miit.gov.cn">浙ICP备05012345号</a>　　浙公网安备 33040202000123号</p>
<p><img src="qr.png">扫一扫在手机打开当前页</p></div>
<script>document.getElementById('hits').innerText = 1025;</script>
</body>
</html>
`
}

// ListTemplate is a newer page: UTF-8, a div/li metadata list, CMS meta
// tags, the article in a TRS_Editor div with <br> line breaks.
func ListTemplate(p Page) string {
	m := p.Meta
	var body strings.Builder
	for _, l := range p.Lines {
		if l == p.Title {
			continue
		}
		body.WriteString(`<span style="font-family:仿宋_GB2312;font-size:16pt">&nbsp;&nbsp;&nbsp;&nbsp;` + esc(l) + "</span><br />\n")
	}
	return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + esc(p.Title) + `_通知公告_` + esc(p.Site) + `</title>
<meta name="SiteName" content="` + esc(p.Site) + `">
<meta name="ColumnName" content="通知公告">
<meta name="ArticleTitle" content="` + esc(p.Title) + `">
<meta name="PubDate" content="` + m.Published + ` 10:12:00">
<meta name="ContentSource" content="` + esc(m.Issuer) + `">
<link rel="stylesheet" href="/css/main.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<header class="site-header"><div class="logo">` + esc(p.Site) + `</div>
<nav class="main-menu"><a href="/">首页</a><a href="/xxgk/">信息公开</a><a href="/zwfw/">政务服务</a><a href="/gzcy/">公众参与</a></nav></header>
<div class="breadcrumb"><span>您现在的位置：</span><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 通知公告</div>
<div class="container">
<aside class="sidebar"><h3>信息公开目录</h3><ul><li><a href="#">机构职能</a></li><li><a href="#">政策文件</a></li><li><a href="#">规划计划</a></li><li><a href="#">人事信息</a></li></ul></aside>
<div class="main">
<div class="xxgk-info"><ul>
<li><span class="t">索&nbsp;引&nbsp;号：</span><span>` + m.Index + `</span></li>
<li><span class="t">发文机关：</span><span>` + esc(m.Issuer) + `</span></li>
<li><span class="t">成文日期：</span><span>` + m.Written + `</span></li>
<li><span class="t">发文字号：</span><span>` + esc(m.Number) + `</span></li>
<li><span class="t">发布日期：</span><span>` + m.Published + `</span></li>
<li><span class="t">主题分类：</span><span>` + m.Topic + `</span></li>
</ul></div>
<div class="article">
<h1 class="article-title">` + esc(p.Title) + `</h1>
<div class="article-toolbar"><span>来源：` + esc(m.Issuer) + `</span><span>发布时间：` + m.Published + `</span><span class="font">字号：<a>大</a><a>中</a><a>小</a></span><a class="print" href="javascript:print()">打印</a></div>
<div class="article-content"><div class="TRS_Editor"><div class="Custom_UnionStyle">
` + body.String() + `</div></div></div>
<div class="share-bar">分享到：<a class="wx">微信</a><a class="wb">微博</a><a class="qq">QQ空间</a></div>
</div>
<div class="related-docs"><h4>相关文件</h4><ul><li><a href="#">贵阳市卫生健康局2019年工作总结</a></li><li><a href="#">关于做好2020年基本公共卫生服务项目工作的通知</a></li></ul></div>
</div>
</div>
<footer><div class="copyright">版权所有：` + esc(p.Site) + ` 主办单位：` + esc(p.Site) + `<br>网站标识码：5201000023 黔ICP备12001234号-1 贵公网安备52010302000456号</div>
<div class="mobile">扫一扫在手机打开</div></footer>
<script>$(function(){ $('.share-bar').show(); });</script>
</body>
</html>
`
}

// RepostTemplate is an aggregator copy: ads inside and around the
// article, an uploader line, download buttons, recommendations with
// summaries, comments, font tags.
func RepostTemplate(p Page) string {
	var body strings.Builder
	n := 0
	for _, l := range p.Lines {
		if l == p.Title {
			continue
		}
		body.WriteString(`<p><font face="宋体">&nbsp;&nbsp;` + esc(l) + "</font></p>\n")
		if n++; n == 12 || n == 40 {
			body.WriteString(`<div class="ad-box" id="ad_` + fmt.Sprint(n) + `"><a href="https://ad.example.com/">【广告】考编培训 名师押题 限时优惠 点击领取资料包</a></div>` + "\n")
		}
	}
	return `<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>` + esc(p.Title) + `范文_资料文库_美章网</title>
<meta property="og:site_name" content="美章网">
<style>.ad-box{border:1px solid #ccc}</style>
<script>window.adsbygoogle = window.adsbygoogle || [];</script>
</head>
<body>
<div id="topbar"><a href="/">美章网</a> | <a href="/login">登录</a> | <a href="/reg">注册</a> | <a href="/vip">开通会员</a></div>
<div class="menu"><a href="/fanwen/">范文</a> <a href="/lunwen/">论文</a> <a href="/baogao/">报告</a> <a href="/zongjie/">总结</a></div>
<div class="crumb">当前位置：美章网 &gt; 资料文库 &gt; 工作计划 &gt; 正文</div>
<div class="wrap"><div class="left">
<div class="art">
<h1>` + esc(p.Title) + `</h1>
<div class="info">上传人：yy_2020　上传时间：2020-06-01　浏览：3521次　<a href="/down/1.html">下载本文</a></div>
<div class="ad-box"><a href="https://ad.example.com/">【广告】公文写作模板 免费下载</a></div>
<div class="content">
` + body.String() + `</div>
<div class="page-tools"><a href="#">上一篇：2020年社区卫生服务中心工作计划</a> <a href="#">下一篇：卫生院2020年公共卫生工作总结</a></div>
</div>
<div class="comment-list"><h3>网友评论</h3><div class="c">写得很好，值得参考学习！——游客 2020-06-03</div><div class="c">谢谢分享，已下载。——会员8812</div></div>
<div class="tuijian"><h3>热门推荐</h3><ul>
<li><a href="#">乡镇卫生院2020年工作计划</a><p>为切实做好我院2020年各项工作，根据上级部门的要求，结合我院实际，制定本计划如下。</p></li>
<li><a href="#">疾控中心年度工作总结范文</a><p>今年以来，在上级部门的正确领导下，我中心紧紧围绕年初制定的工作目标，扎实推进各项工作。</p></li>
</ul></div>
</div>
<div class="sidebar"><div class="ad-box">【广告】VIP会员 全站文档免费下载</div><h3>最新文章</h3><ul><li><a href="#">医院护理部工作计划</a></li></ul></div></div>
<div id="foot">Copyright © 2020 美章网 版权所有 | 备案号：京ICP备15012345号 | 联系我们</div>
<script>(adsbygoogle = window.adsbygoogle || []).push({});</script>
</body></html>
`
}

// PlainPage is the article alone, as LibreOffice should read it.
func PlainPage(title string, lines []string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + esc(title) + `</title></head><body>
<h1>` + esc(title) + `</h1>
` + paragraphs(lines, title, "<p>", "</p>") + `</body></html>`
}

// OLPage has an ordered list, which LibreOffice writes as Word numbering.
func OLPage() string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>编号测试</title></head><body>
<p>2021年工作要点</p>
<ol><li>推进医共体建设。完善配套政策。</li><li>加强基层能力建设。</li><li>做实家庭医生签约服务。</li></ol>
</body></html>`
}

// numberRe splits a provision number off a line: 一、 (一) 1. (1)
var numberRe = regexp.MustCompile(`^(?:([一二三四五六七八九十]+)、|[(（]([一二三四五六七八九十]+)[)）]|(\d+)[.．、](?:\s*)|[(（](\d+)[)）])`)

// NumberedDOCX writes the lines as a DOCX whose numbers (一、 （一） 1.
// （1）) are Word automatic numbering, not text, and returns the lines as
// Word shows them: numbered in sequence, the second level restarting
// under each first-level heading, the third running on through the
// document (as work plans number their items), the fourth restarting.
func NumberedDOCX(lines []string) ([]byte, []string) {
	var body strings.Builder
	var shown []string
	ctr := make([]int, 4)
	cn := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}
	para := func(text string, level int) {
		switch level {
		case -1:
			shown = append(shown, text)
		case 0:
			ctr[0]++
			ctr[1] = 0
			shown = append(shown, cn[ctr[0]]+"、"+text)
		case 1:
			ctr[1]++
			ctr[3] = 0
			shown = append(shown, "（"+cn[ctr[1]]+"）"+text)
		case 2:
			ctr[2]++
			ctr[3] = 0
			shown = append(shown, fmt.Sprintf("%d.%s", ctr[2], text))
		case 3:
			ctr[3]++
			shown = append(shown, fmt.Sprintf("(%d)%s", ctr[3], text))
		}
		body.WriteString(`<w:p><w:pPr>`)
		if level >= 0 {
			fmt.Fprintf(&body, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="1"/></w:numPr>`, level)
		}
		body.WriteString(`</w:pPr>`)
		// Split the text into two runs so that run joining is exercised.
		r := []rune(text)
		half := len(r) / 2
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p>`,
			xmlEsc(string(r[:half])), xmlEsc(string(r[half:])))
	}
	for _, l := range lines {
		m := numberRe.FindStringSubmatch(l)
		if m == nil {
			para(l, -1)
			continue
		}
		rest := strings.TrimSpace(l[len(m[0]):])
		switch {
		case m[1] != "":
			para(rest, 0)
		case m[2] != "":
			para(rest, 1)
		case m[3] != "":
			para(rest, 2)
		default:
			para(rest, 3)
		}
	}
	// A footnote-free header part exists but is not referenced from the
	// body text: it must not be read.
	docXML := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `<w:sectPr/></w:body></w:document>`
	lvl := func(i int, fmtName, text string) string {
		restart := ""
		if i == 2 {
			restart = `<w:lvlRestart w:val="0"/>`
		}
		return fmt.Sprintf(`<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/>%s<w:lvlText w:val="%s"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>`, i, fmtName, restart, text)
	}
	numbering := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">` +
		lvl(0, "chineseCounting", "%1、") + lvl(1, "chineseCounting", "（%2）") +
		lvl(2, "decimal", "%3.") + lvl(3, "decimal", "(%4)") +
		`</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`
	header := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>页眉：贵阳市卫生健康局文件</w:t></w:r></w:p></w:hdr>`
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>`},
		{"word/document.xml", docXML},
		{"word/numbering.xml", numbering},
		{"word/header1.xml", header},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			log.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes(), shown
}

func xmlEsc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		log.Fatal(err)
	}
	return a
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	if outb, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("%s %v: %v\n%s", name, args, err, outb)
	}
}

func printRaw(page, pdf string, headerFooter bool) {
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--print-to-pdf=" + abs(pdf)}
	if !headerFooter {
		args = append(args, "--no-pdf-header-footer")
	}
	run("chromium", append(args, "file://"+abs(page))...)
}

// convert runs LibreOffice on src and writes the result to dst.
func convert(src, filter, dst string) {
	dir, err := os.MkdirTemp("", "soffice")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	run("soffice", "-env:UserInstallation=file://"+dir+"/profile", "--headless",
		"--infilter=HTML (StarWriter)", "--convert-to", filter, "--outdir", dir, src)
	base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + filepath.Ext(dst)
	data, err := os.ReadFile(filepath.Join(dir, base))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		log.Fatal(err)
	}
}
