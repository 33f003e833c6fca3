//! Process CPU time for `%time`, read from the operating system (user and system separately, as
//! IPython prints them).

/// CPU seconds used by this process so far.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    pub user: f64,
    pub system: f64,
}

impl CpuTimes {
    pub fn now() -> CpuTimes {
        // SAFETY: getrusage only writes into the struct we pass; a zeroed rusage is valid.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
        if !ok {
            return CpuTimes {
                user: 0.0,
                system: 0.0,
            };
        }
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        CpuTimes {
            user: seconds(usage.ru_utime),
            system: seconds(usage.ru_stime),
        }
    }

    pub fn since(&self, earlier: &CpuTimes) -> CpuTimes {
        CpuTimes {
            user: (self.user - earlier.user).max(0.0),
            system: (self.system - earlier.system).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_work_shows_up_as_user_time() {
        let before = CpuTimes::now();
        let mut x = 0u64;
        for i in 0..30_000_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
        }
        std::hint::black_box(x);
        let used = CpuTimes::now().since(&before);
        assert!(used.user > 0.0, "{used:?}");
    }
}
