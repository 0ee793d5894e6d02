//! `--shard auto`: the shard of this task, read from the cluster's environment.
//!
//! - Slurm job arrays: K = `SLURM_ARRAY_TASK_ID` − base + 1 (`--shard-base`, default 1), so a task
//!   resubmitted alone keeps its index. N is `--shards N`, or else `SLURM_ARRAY_TASK_COUNT`, which
//!   describes the whole array only while the whole array runs: a task resubmitted alone sees a
//!   count of 1, so give `--shards` for resubmissions (the examples always do).
//! - Kubernetes Indexed Jobs: K = `JOB_COMPLETION_INDEX` + 1, with N from `--shards N`.
//! - With neither, `--shard auto` is an error that says what to do.

use super::grid::{Shard, VaryError};

/// Resolves `--shard auto` from `env` (a variable's value by name), `shards` (`--shards`) and
/// `base` (`--shard-base`). Slurm wins when both are set.
pub fn auto_shard(
    env: &dyn Fn(&str) -> Option<String>,
    shards: Option<usize>,
    base: usize,
) -> Result<Shard, VaryError> {
    let number = |name: &str, v: String| -> Result<usize, VaryError> {
        v.trim().parse::<usize>().map_err(|_| VaryError(format!("--shard auto: {name} = {v:?} is not a whole number")))
    };
    let (k, n, from) = if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
        let id = number("SLURM_ARRAY_TASK_ID", id)?;
        if id < base {
            return Err(VaryError(format!(
                "--shard auto: SLURM_ARRAY_TASK_ID = {id} is below --shard-base {base}: give the array's first index as --shard-base"
            )));
        }
        let n = match (shards, env("SLURM_ARRAY_TASK_COUNT")) {
            (Some(n), _) => n,
            (None, Some(c)) => number("SLURM_ARRAY_TASK_COUNT", c)?,
            (None, None) => {
                return Err(VaryError(
                    "--shard auto: SLURM_ARRAY_TASK_COUNT is not set: give the number of shards with --shards N".into(),
                ));
            }
        };
        ((id - base).checked_add(1), n, "SLURM_ARRAY_TASK_ID")
    } else if let Some(index) = env("JOB_COMPLETION_INDEX") {
        let index = number("JOB_COMPLETION_INDEX", index)?;
        let n = shards.ok_or_else(|| {
            VaryError("--shard auto in a Kubernetes Indexed Job needs the number of shards: --shards N (the Job's completions)".into())
        })?;
        (index.checked_add(1), n, "JOB_COMPLETION_INDEX")
    } else {
        return Err(VaryError(
            "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set: run inside one, or give --shard K/N".into(),
        ));
    };
    // An index near the largest integer has no shard: checked, so that it cannot wrap to one.
    let Some(k) = k.filter(|&k| k >= 1 && k <= n) else {
        let k = k.map_or_else(|| "past the largest index".to_string(), |k| k.to_string());
        let hint = if shards.is_none() && from == "SLURM_ARRAY_TASK_ID" {
            " (a task resubmitted alone sees SLURM_ARRAY_TASK_COUNT = 1: give --shards N)"
        } else {
            ""
        };
        return Err(VaryError(format!("--shard auto: {from} gives shard {k} of {n}, which does not exist{hint}")));
    };
    Ok(Shard { k, n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_shard_comes_from_slurm_or_kubernetes() {
        let slurm = [("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "8")];
        assert_eq!(auto_shard(&env(&slurm), None, 1).unwrap(), Shard { k: 3, n: 8 });
        // A task resubmitted alone: its index stays, the count must be given.
        let alone = [("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "1")];
        assert_eq!(auto_shard(&env(&alone), Some(8), 1).unwrap(), Shard { k: 3, n: 8 });
        let err = auto_shard(&env(&alone), None, 1).unwrap_err().to_string();
        assert!(err.contains("give --shards N"), "{err}");
        // An array numbered from 0.
        let zero = [("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "4")];
        assert_eq!(auto_shard(&env(&zero), None, 0).unwrap(), Shard { k: 1, n: 4 });
        assert!(auto_shard(&env(&zero), None, 1).is_err());
        let k8s = [("JOB_COMPLETION_INDEX", "0")];
        assert_eq!(auto_shard(&env(&k8s), Some(5), 1).unwrap(), Shard { k: 1, n: 5 });
        assert!(auto_shard(&env(&k8s), None, 1).unwrap_err().to_string().contains("--shards N"));
        let none = auto_shard(&env(&[]), Some(2), 1).unwrap_err().to_string();
        assert!(none.contains("neither SLURM_ARRAY_TASK_ID") && none.contains("--shard K/N"), "{none}");
        assert!(auto_shard(&env(&[("SLURM_ARRAY_TASK_ID", "x")]), Some(2), 1).is_err());
    }

    /// The largest index does not wrap around to shard 0 (which would run no point and succeed).
    #[test]
    fn an_index_at_the_largest_integer_is_refused() {
        let max = usize::MAX.to_string();
        for vars in [
            vec![("JOB_COMPLETION_INDEX", max.as_str())],
            vec![("SLURM_ARRAY_TASK_ID", max.as_str()), ("SLURM_ARRAY_TASK_COUNT", "4")],
        ] {
            for base in [0, 1] {
                let err = auto_shard(&env(&vars), Some(4), base).unwrap_err().to_string();
                assert!(err.contains("does not exist"), "{err}");
            }
        }
        let big = (u64::MAX as u128 + 1).to_string();
        assert!(auto_shard(&env(&[("JOB_COMPLETION_INDEX", big.as_str())]), Some(4), 1).is_err());
    }
}
