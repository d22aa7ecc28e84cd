package io.sightline.shiftleft.http;

import java.time.Duration;

/** Waits: the real one sleeps the thread; tests pass one that records the waits and returns. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
