//! The house style shared by every chart: size, embedded fonts, colours, mesh and legend, number
//! labels, and rendering to PNG and SVG. Fonts are embedded (DejaVu), so nothing comes from the system.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

/// Width of every chart \[px\].
pub const WIDTH: u32 = 1200;
/// Height of every chart \[px\].
pub const HEIGHT: u32 = 700;
/// The embedded font family every chart uses.
pub(super) const FONT: &str = "sans-serif";

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(super) const GREY: RGBColor = RGBColor(90, 90, 90);
pub(super) const YELLOW: RGBColor = RGBColor(240, 228, 66);
/// The Okabe–Ito colours in the order lines take them.
pub(super) const PALETTE: [RGBColor; 8] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY, YELLOW];
pub(super) const MESH: RGBColor = RGBColor(232, 232, 232);

/// Registers the embedded DejaVu Sans faces once; every text plotters draws uses them.
pub fn register_fonts() -> Result<(), String> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .and_then(|_| plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()))
            .map_err(|_| "the embedded DejaVu font could not be loaded".to_string());
    });
    result
}

/// A chart that can be drawn on any backend.
pub trait Chart {
    /// File stem (`backlog` → `backlog.png`, `backlog.svg`).
    fn name(&self) -> &'static str;
    /// Width and height \[px\]; `WIDTH × HEIGHT` unless the chart needs more room.
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }
    /// Draws onto `root` (already sized by [`Chart::size`]).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A plotters error as text.
pub(super) fn e<E: std::error::Error + Send + Sync>(err: DrawingAreaErrorKind<E>) -> String {
    err.to_string()
}

/// Renders `chart` to PNG bytes and SVG text.
pub fn render(chart: &impl Chart) -> Result<(Vec<u8>, String), String> {
    register_fonts()?;
    let (width, height) = chart.size();
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(e)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|err| err.to_string())?;
        w.write_image_data(&rgb).map_err(|err| err.to_string())?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(e)?;
    }
    Ok((png_bytes, svg))
}

/// A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least `x`.
pub(crate) fn nice_max(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0].iter().map(|m| m * p).find(|v| *v >= x).unwrap_or(10.0 * p)
}

/// `12,345`-style labels (no decimals for large numbers).
pub(crate) fn thousands(v: f64) -> String {
    if v.abs() < 10.0 && v.fract() != 0.0 {
        return format!("{v:.1}");
    }
    crate::metrics::group_digits(v, 0)
}

/// Applies the house style to a mesh (fonts, no minor grid, a light major grid) and draws it.
pub(super) fn draw_mesh<X, Y, DB: DrawingBackend>(
    mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, DB>,
) -> Result<(), String>
where
    X: Ranged + ValueFormatter<<X as Ranged>::ValueType>,
    Y: Ranged + ValueFormatter<<Y as Ranged>::ValueType>,
{
    mesh.label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .light_line_style(TRANSPARENT)
        .bold_line_style(MESH)
        .draw()
        .map_err(e)
}

/// Draws a chart's legend in the house style at `position` (`margin` in pixels from the plot edge).
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    margin: u32,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(margin)
        .label_font((FONT, 15))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .draw()
        .map_err(e)
}

/// The chart area of a calendar chart (days on x, a quantity on y).
pub(super) type Calendar<'a, DB> = plotters::chart::ChartContext<
    'a,
    DB,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;
