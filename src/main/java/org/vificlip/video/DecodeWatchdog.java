package org.vificlip.video;

import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs third-party decoding code with a time limit, on a worker thread this object owns.
 *
 * <p>Why: JCodec's H.264 CABAC reader has unbounded loops (e.g. {@code CABAC.readMBQpDelta} counts
 * bins until a 0 that never comes once a corrupt slice runs past its data) that spin forever on some
 * damaged files; measured on randomly corrupted copies of the fixture clips, about 1 in 15. A caller
 * cannot break such a loop, so the decode runs on a worker thread; when it overruns, the worker is
 * stopped with {@link Thread#stop()} (it holds no lock of ours and its decoder is thrown away) and the
 * caller gets a {@link TimeoutException} to report as bad input. Thread.stop works up to Java 19; on a
 * later JVM the runaway thread is left as a daemon and reported in the exception message.
 */
final class DecodeWatchdog implements AutoCloseable {
    /** Default per-call limit; {@code -Dvificlip.video.decodeTimeoutSeconds=N} overrides it. */
    static final long DEFAULT_TIMEOUT_MS =
            Long.getLong("vificlip.video.decodeTimeoutSeconds", 20) * 1000L;

    private final String name;
    private final long timeoutMs;
    private Worker worker;

    DecodeWatchdog(String name, long timeoutMs) {
        this.name = name;
        this.timeoutMs = timeoutMs;
    }

    /** One reusable daemon thread that runs one task at a time. */
    private static final class Worker extends Thread {
        private FutureTask<?> task;
        private boolean closed;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        synchronized void submit(FutureTask<?> t) {
            task = t;
            notifyAll();
        }

        synchronized void shutdown() {
            closed = true;
            notifyAll();
        }

        @Override
        public void run() {
            while (true) {
                FutureTask<?> next;
                synchronized (this) {
                    while (task == null && !closed) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (task == null) {
                        return;
                    }
                    next = task;
                    task = null;
                }
                next.run();
            }
        }
    }

    /**
     * The call's result, or its exception as thrown; {@link TimeoutException} when it did not finish in
     * time (the worker is then stopped and replaced for the next call).
     */
    <T> T call(Callable<T> body) throws Exception {
        if (worker == null) {
            worker = new Worker(name);
            worker.start();
        }
        FutureTask<T> task = new FutureTask<>(body);
        worker.submit(task);
        try {
            return task.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (TimeoutException e) {
            boolean stopped = kill();
            throw new TimeoutException("decoding did not finish within " + timeoutMs / 1000 + " s"
                    + (stopped ? "" : " (the runaway decoder thread could not be stopped on this JVM)"));
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decoding");
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private boolean kill() {
        Worker w = worker;
        worker = null;
        if (w == null) {
            return true;
        }
        w.shutdown();
        try {
            w.stop();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdown();
            worker = null;
        }
    }
}
