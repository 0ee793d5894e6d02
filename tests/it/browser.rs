//! report.html in a real browser (headless Chromium) at a phone's and a desktop's width: no
//! horizontal overflow, nothing loaded from outside the file, and chart text large enough to read.
//! Skipped where Chromium is missing, except under `CI=true`, where `.ci/run` installs it.

/// Measures the page and writes the figures into it; Chromium then prints the DOM.
const MEASURE: &str = r#"<script>
window.addEventListener('load', () => {
  const texts = [...document.querySelectorAll('figure svg text')].map(t => t.getBoundingClientRect())
    .filter(r => r.width >= r.height && r.height > 0);
  const smallest = Math.min(...texts.map(r => r.height));
  const outside = performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:'));
  parent.postMessage(JSON.stringify({ scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    smallest, texts: texts.length, outside }), '*');
});
</script>"#;

/// A page that shows the report in a frame of the given width (a browser window cannot be made as
/// narrow as a phone) and writes the frame's measurement into its own DOM.
fn frame(width: u32) -> String {
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"measured.html\" style=\"width:{width}px;height:3000px;border:0\"></iframe>\
         <pre id=\"measured\"></pre><script>window.addEventListener('message', e => {{ document.getElementById('measured').textContent = e.data; }});</script></body></html>"
    )
}

fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists())
}

#[test]
fn the_report_reads_on_a_phone_and_on_a_desktop() {
    let Some(browser) = chromium() else {
        assert!(std::env::var("CI").is_err(), "CI=true needs Chromium (.ci/run installs it)");
        eprintln!("skipped: no Chromium");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = crate::common::shared_run(&["run", "may-2024-outage", "--replications", "2", "--records", "--quiet"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let measured = tmp.path().join("measured.html");
    std::fs::write(&measured, html.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    for width in [420, 1280] {
        let page = tmp.path().join(format!("frame-{width}.html"));
        std::fs::write(&page, frame(width)).unwrap();
        let profile = tmp.path().join(format!("profile-{width}"));
        let output = std::process::Command::new(browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
            .args(["--disable-component-update", "--disable-sync", "--virtual-time-budget=10000", "--dump-dom"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={},3100", width + 100))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("Chromium runs");
        let dom = String::from_utf8_lossy(&output.stdout);
        let json = dom
            .split("<pre id=\"measured\">")
            .nth(1)
            .and_then(|s| s.split("</pre>").next())
            .unwrap_or_else(|| panic!("no measurement at {width} px: {}", String::from_utf8_lossy(&output.stderr)));
        let v: serde_json::Value = serde_json::from_str(&json.replace("&quot;", "\"")).unwrap();
        let (scroll, inner) = (v["scroll"].as_f64().unwrap(), v["width"].as_f64().unwrap());
        assert_eq!(inner, width as f64, "the report was laid out at {width} px");
        assert!(scroll <= inner, "{width} px: the page is {scroll} px wide in a {inner} px window");
        assert_eq!(v["outside"].as_array().unwrap().len(), 0, "{width} px: requests leave the file: {v}");
        assert!(v["texts"].as_u64().unwrap() > 50, "{width} px: the charts' text was measured");
        assert!(v["smallest"].as_f64().unwrap() >= 8.0, "{width} px: chart text {} px tall", v["smallest"]);
    }
}
