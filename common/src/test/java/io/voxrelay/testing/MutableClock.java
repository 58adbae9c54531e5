package io.voxrelay.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock a test moves by hand. */
public final class MutableClock extends Clock {

  private final AtomicLong millis;

  public MutableClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }

  public void set(long epochMillis) {
    millis.set(epochMillis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
