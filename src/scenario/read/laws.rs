//! Reading distributions: `{ dist = "…", parameters, min, max }` or a bare number (a constant), with
//! the checks on the support that the distribution's role needs.

use super::values::{Result, Tab, bad, choice, non_negative, number, number_list, ranged};
use crate::scenario::dist::{DIST_NAMES, Dist, Law};
use crate::scenario::schema;
use crate::scenario::tree::{Node, Source, Val};

/// What a distribution describes, which decides the extra checks on its support.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A duration: samples must be ≥ 0.
    Duration,
    /// Persons per group: values 1–10 where they are listed.
    GroupSize,
    /// A pace: samples must be > 0.
    Pace,
    /// A count of persons: samples must be ≥ 0.
    Count,
}

/// The parameters each family takes, besides `dist` and the clamps `min`/`max`.
pub(super) fn family_keys(name: &str) -> &'static [&'static str] {
    match name {
        "constant" => &["value"],
        "exponential" => &["mean"],
        "uniform" => &[],
        "normal" | "lognormal" | "gamma" => &["mean", "sd"],
        "weibull" => &["shape", "scale"],
        "empirical" => &["values", "weights"],
        _ => &[],
    }
}

/// Reads the distribution at `key`, checked for its `role`.
pub(super) fn dist(src: &Source, key: &str, node: &Node, role: Role) -> Result<Dist> {
    // A bare number is shorthand for a constant.
    if matches!(node.val, Val::Int(_) | Val::Float(_)) {
        let value = number(src, key, node, "a number")?;
        let d = Dist::constant(value);
        check_support(src, key, node, &d, role)?;
        return Ok(d);
    }
    let mut t = Tab::of(src, key, node, schema::DIST)?;
    let name_node = t.required("dist", &format!("dist = one of {}", DIST_NAMES.join(", ")))?;
    let name = choice(src, &t.key("dist"), name_node, DIST_NAMES)?;
    let law = law(src, &mut t, name)?;
    let (lo, hi) = if name == "uniform" { (None, None) } else { clamps(src, key, &mut t)? };
    let mut allowed = vec!["dist"];
    allowed.extend_from_slice(family_keys(name));
    allowed.extend(["min", "max"]);
    t.finish_with(&allowed)?;
    let d = Dist { law, lo, hi };
    check_support(src, key, node, &d, role)?;
    Ok(d)
}

/// The law of family `name`, from its parameters.
fn law(src: &Source, t: &mut Tab, name: &str) -> Result<Law> {
    let positive = |t: &mut Tab, p: &str| -> Result<f64> {
        let n = t.required(p, &format!("{p} for dist = {name:?}"))?;
        ranged(src, &t.key(p), n, f64::MIN_POSITIVE, f64::INFINITY, "a number")
    };
    Ok(match name {
        "constant" => {
            let n = t.required("value", &format!("value for dist = {name:?}"))?;
            Law::Constant { value: number(src, &t.key("value"), n, "a number")? }
        }
        "exponential" => Law::Exponential { mean: positive(t, "mean")? },
        "uniform" => {
            let lo_node = t.required("min", &format!("min for dist = {name:?}"))?;
            let lo = number(src, &t.key("min"), lo_node, "a number")?;
            let hi_node = t.required("max", "max for dist = \"uniform\"")?;
            let hi = number(src, &t.key("max"), hi_node, "a number")?;
            if hi < lo {
                return Err(bad(src, hi_node, &t.key("max"), "is below min", &format!("a number ≥ min = {lo}")));
            }
            Law::Uniform { min: lo, max: hi }
        }
        "normal" | "lognormal" | "gamma" => {
            let mean = if name == "normal" {
                let mean_node = t.required("mean", &format!("mean for dist = {name:?}"))?;
                number(src, &t.key("mean"), mean_node, "a number")?
            } else {
                positive(t, "mean")?
            };
            let sd_node = t.required("sd", &format!("sd for dist = {name:?}"))?;
            let sd = non_negative(src, &t.key("sd"), sd_node)?;
            match name {
                "normal" => Law::Normal { mean, sd },
                "lognormal" => Law::LogNormal { mean, sd },
                _ => Law::Gamma { mean, sd },
            }
        }
        "weibull" => Law::Weibull { shape: positive(t, "shape")?, scale: positive(t, "scale")? },
        _ => empirical(src, t)?,
    })
}

/// An empirical law: values and their weights (non-negative, with a positive sum).
fn empirical(src: &Source, t: &mut Tab) -> Result<Law> {
    let values_node = t.required("values", "values for dist = \"empirical\"")?;
    let values = number_list(src, &t.key("values"), values_node)?;
    let weights_node = t.required("weights", "weights for dist = \"empirical\"")?;
    let weights = number_list(src, &t.key("weights"), weights_node)?;
    if weights.len() != values.len() {
        return Err(bad(
            src,
            weights_node,
            &t.key("weights"),
            &format!("has {} entries", weights.len()),
            &format!("one weight per value ({})", values.len()),
        ));
    }
    if weights.iter().any(|w| *w < 0.0) {
        return Err(bad(src, weights_node, &t.key("weights"), "has a negative weight", "weights ≥ 0"));
    }
    if weights.iter().sum::<f64>() <= 0.0 {
        return Err(bad(src, weights_node, &t.key("weights"), "sums to zero", "weights with a positive sum"));
    }
    Ok(Law::Empirical { values, weights })
}

/// The optional clamps `min` and `max` (max ≥ min).
fn clamps(src: &Source, key: &str, t: &mut Tab) -> Result<(Option<f64>, Option<f64>)> {
    let lo = t.take("min").map(|n| number(src, &format!("{key}.min"), n, "a number")).transpose()?;
    let hi_node = t.take("max");
    let hi = hi_node.map(|n| number(src, &format!("{key}.max"), n, "a number")).transpose()?;
    if let (Some(lo), Some(hi), Some(n)) = (lo, hi, hi_node)
        && hi < lo
    {
        return Err(bad(src, n, &format!("{key}.max"), "is below min", &format!("a number ≥ min = {lo}")));
    }
    Ok((lo, hi))
}

/// Checks that the distribution's support suits its role.
fn check_support(src: &Source, key: &str, node: &Node, d: &Dist, role: Role) -> Result<()> {
    let lb = d.lower_bound();
    match role {
        Role::Duration | Role::Count if lb < 0.0 => {
            let what = if role == Role::Duration { "a duration" } else { "a count" };
            Err(src.error(
                node.at,
                key,
                format!(
                    "{key} = {} can produce negative values, but it is {what}: expected a distribution whose samples are ≥ 0 (add min = 0)",
                    node.render()
                ),
            ))
        }
        Role::Pace if lb <= 0.0 => Err(src.error(
            node.at,
            key,
            format!(
                "{key} = {} can produce a pace of 0 or less: expected a distribution bounded away from 0 (add min > 0, e.g. min = 1)",
                node.render()
            ),
        )),
        Role::GroupSize => {
            let listed: Vec<f64> = match &d.law {
                Law::Empirical { values, .. } => values.clone(),
                Law::Constant { value } => vec![*value],
                _ => vec![],
            };
            if let Some(v) = listed.iter().find(|v| !(1.0..=10.0).contains(*v) || v.fract() != 0.0) {
                return Err(src.error(
                    node.at,
                    key,
                    format!(
                        "{key} = {} contains the group size {v}: expected whole numbers from 1 to 10 (a registration holds at most 10 persons)",
                        node.render()
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
