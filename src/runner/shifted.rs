//! A transport whose times are moved: a session that starts after another screen on the
//! same terminal counts from its own start, and a resumed session carries on from where
//! its recording stopped.

use std::time::Duration;

use super::{Drawn, Incoming, Transport};

/// `inner`, with every time `t` reported as `t - origin + base`.
pub struct Shifted<'t, T> {
    pub inner: &'t mut T,
    /// The inner transport's time that becomes `base`.
    pub origin: Duration,
    pub base: Duration,
}

impl<T> Shifted<'_, T> {
    fn shift(&self, at: Duration) -> Duration {
        at.saturating_sub(self.origin) + self.base
    }

    fn unshift(&self, at: Duration) -> Duration {
        at.saturating_sub(self.base) + self.origin
    }
}

impl<S, T: Transport<S>> Transport<S> for Shifted<'_, T> {
    async fn draw(&mut self, screen: &S) -> Result<Drawn, String> {
        let drawn = self.inner.draw(screen).await?;
        Ok(Drawn {
            at: self.shift(drawn.at),
            ..drawn
        })
    }

    async fn next(&mut self, wait: Duration) -> Incoming {
        match self.inner.next(wait).await {
            Incoming::Key { at, press } => Incoming::Key {
                at: self.shift(at),
                press,
            },
            Incoming::Pointed { at, presses, via } => Incoming::Pointed {
                at: self.shift(at),
                presses,
                via,
            },
            Incoming::Signal { at, name } => Incoming::Signal {
                at: self.shift(at),
                name,
            },
            Incoming::Closed { at } => Incoming::Closed { at: self.shift(at) },
            Incoming::Idle { at } => Incoming::Idle { at: self.shift(at) },
            Incoming::Suspend { at } => Incoming::Suspend { at: self.shift(at) },
            Incoming::Disconnected { at } => Incoming::Disconnected { at: self.shift(at) },
            Incoming::Reconnected { at } => Incoming::Reconnected { at: self.shift(at) },
            Incoming::Away { at, why } => Incoming::Away {
                at: self.shift(at),
                why,
            },
            Incoming::Back { at } => Incoming::Back { at: self.shift(at) },
            Incoming::Resize => Incoming::Resize,
            Incoming::Changed => Incoming::Changed,
        }
    }

    async fn suspend(&mut self, at: Duration) -> Result<Duration, String> {
        let continued = self.inner.suspend(self.unshift(at)).await?;
        Ok(self.shift(continued))
    }
}
