//! What every HTML page of borderq shares: escaping and the style sheet.

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An SVG chart as a page's `<figure>` (with `id="chart-NAME"` when named): the SVG text without
/// anything before its first tag and without its XML declaration, so it can be inlined in HTML.
pub(super) fn figure(name: Option<&str>, svg: &str) -> String {
    let body = svg.trim_start_matches(|c| c != '<');
    let body =
        if body.starts_with("<?xml") { body.split_once("?>").map_or(body, |(_, r)| r.trim_start()) } else { body };
    match name {
        Some(n) => format!("<figure id=\"chart-{n}\">\n{body}\n</figure>\n"),
        None => format!("<figure>\n{body}\n</figure>\n"),
    }
}

/// The "Charts" section of a page from named SVG charts (name, SVG text); empty without charts.
pub(super) fn charts_section(svgs: &[(String, String)]) -> String {
    if svgs.is_empty() {
        return String::new();
    }
    let mut o = String::from("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (name, svg) in svgs {
        o.push_str(&figure(Some(name), svg));
    }
    o.push_str("</section>\n");
    o
}

/// The style sheet of every page.
pub(super) const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:2em auto;max-width:1240px;color:#222;line-height:1.4;padding:0 1em}\
h1{margin-bottom:.2em}.description{font-size:1.15em;margin-top:0}.identity{color:#555}\
table{border-collapse:collapse;margin:1em 0}th,td{border-bottom:1px solid #ddd;padding:.35em .8em;text-align:left}\
td.num{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #444}\
dl{display:grid;grid-template-columns:max-content auto;gap:.3em 1.2em}dt{font-weight:bold}dd{margin:0}\
tr.differs td:first-child{color:#b00;font-weight:bold}tr.agrees td:first-child{color:#070}\
.lead{font-size:1.1em}.wide{overflow-x:auto;max-width:100%}td.src{overflow-wrap:anywhere}small{color:#555}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}.note,footer{color:#555;font-size:.9em}\
@media (max-width:820px){figure{overflow-x:auto}figure svg{width:800px;max-width:none}\
#provenance thead{display:none}#provenance tr,#provenance td{display:block}#provenance td{border:0;padding:.1em .3em}#provenance tr{border-bottom:1px solid #ddd;padding:.4em 0}}";
