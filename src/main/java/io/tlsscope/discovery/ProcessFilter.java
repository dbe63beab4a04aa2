package io.tlsscope.discovery;

/**
 * Which processes' libraries deserve probes. A library that only processes outside the filter use
 * is left unattached, so they do not even take the uprobe trap. Called on the discovery thread.
 */
public interface ProcessFilter {
    /** Every process counts: libraries are attached for any user (no scope, or one discovery cannot follow). */
    ProcessFilter EVERY_PROCESS = new ProcessFilter() {
        @Override
        public boolean includes(int pid) {
            return true;
        }

        @Override
        public void forget(int pid) {
        }
    };

    /** Whether pid counts; true when it cannot be told (fail towards tracing). */
    boolean includes(int pid);

    /** pid exited or exec'd: what was known of it is void. */
    void forget(int pid);
}
