package io.tlsscope.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The body of the message (or packet) being walked through the bytes of SSL calls, whose length
 * the header stated: copied for the decoder when kept (up to a limit, so a huge message cannot
 * grow memory; the rest is counted, not kept), then blanked in place where its mask says, or
 * skipped over when the capture did not get some of its bytes. Each byte is copied at most once,
 * into an array that grows by doubling up to the stated length, so framing stays linear in the
 * bytes however the application split its calls. Growth beyond {@link #SMALL} bytes is taken from
 * the stage's {@link KeptBytes} budget and given back when the body is handed over or forgotten;
 * only small arrays are kept for the next body.
 */
public final class MessageBody {
    /** Bytes a body holds without asking the budget (most statements and answers are smaller). */
    static final int SMALL = 256;
    private final int keepLimit;
    private final KeptBytes budget;
    private byte[] kept = new byte[0];
    /** A reader's view of {@link #kept}, made again only when the array is replaced. */
    private ByteBuffer view = ByteBuffer.wrap(kept);
    private int keptLength;
    private boolean keep;
    private long length;
    private long left;
    private boolean truncated;
    /** The stage's budget refused this body more memory: its kept prefix ends here. */
    private boolean cut;
    private BodyMask mask = BodyMask.NONE;

    /**
     * @param keepLimit most bytes of one body kept for the decoder
     * @param budget    the stage's memory for bodies in flight
     */
    public MessageBody(int keepLimit, KeptBytes budget) {
        this.keepLimit = keepLimit;
        this.budget = budget;
    }

    /** Starts a body of the stated length. */
    public void start(long statedLength, boolean keepBytes, BodyMask bodyMask) {
        length = statedLength;
        left = statedLength;
        keep = keepBytes;
        keptLength = 0;
        truncated = false;
        cut = false;
        mask = bodyMask;
        if (keep && kept.length < Math.min(statedLength, SMALL)) {
            kept = new byte[(int) Math.min(statedLength, SMALL)];
        }
    }

    /**
     * The body goes on for more bytes than first stated, with the same handling: a MySQL packet
     * of 16 MiB - 1 bytes continues in the next packet.
     */
    public void extend(long more) {
        length += more;
        left += more;
    }

    /** Takes the body's bytes from data[position...]: copies what is kept, then masks; returns where the body's bytes end. */
    public int consume(byte[] data, int position) {
        int span = (int) Math.min(left, data.length - position);
        if (keep) {
            copy(data, position, span);
        }
        mask.apply(data, position, position + span, length - left);
        left -= span;
        return position + span;
    }

    private void copy(byte[] data, int position, int span) {
        int room = cut ? 0 : (int) Math.min(span, keepLimit - keptLength);
        if (room <= 0) {
            truncated |= span > 0;
            return;
        }
        if (keptLength + room > kept.length) {
            int grown = (int) Math.min(Math.min(length, keepLimit), Math.max(kept.length * 2L, keptLength + room));
            if (budget.reserve(charged(grown) - charged(kept.length))) {
                kept = Arrays.copyOf(kept, grown);
            } else {
                room = kept.length - keptLength; // the stage's budget is used up: the body keeps what fits, and no more
                cut = true;
            }
        }
        System.arraycopy(data, position, kept, keptLength, room);
        keptLength += room;
        truncated |= room < span;
    }

    /**
     * Bytes of this body the capture did not get (a call larger than the capture limit). They are
     * not kept; the message is marked truncated.
     *
     * @return false when the missing bytes reach past this body: what follows cannot be framed
     */
    public boolean skip(long missing) {
        if (missing > left) {
            return false;
        }
        left -= missing;
        truncated |= missing > 0;
        return true;
    }

    public boolean complete() {
        return left == 0;
    }

    /** The body's stated length. */
    public long length() {
        return length;
    }

    /** Whether some of the body's bytes were not kept (capture limit or keep limit). */
    public boolean truncated() {
        return truncated;
    }

    /** The kept bytes, or null when the body was not kept. */
    public byte[] keptBytes() {
        if (!keep) {
            return null;
        }
        byte[] bytes = keptLength == kept.length ? kept : Arrays.copyOf(kept, keptLength); // exactly filled: handed over, not copied
        if (bytes == kept || kept.length > SMALL) {
            forgetArray();
        }
        return bytes;
    }

    /**
     * The kept bytes as a buffer over this body's own array (no copy), or null when the body was
     * not kept: for a decoder that reads the whole body while it is handed over and keeps none of
     * its bytes. Valid until {@link #handedOver()}.
     */
    public ByteBuffer keptView() {
        if (!keep) {
            return null;
        }
        if (view.array() != kept) {
            view = ByteBuffer.wrap(kept);
        }
        return view.clear().limit(keptLength);
    }

    /** The view's reader is done: a large array goes back to the budget (a small one is kept for the next body). */
    public void handedOver() {
        if (kept.length > SMALL) {
            forgetArray();
        }
    }

    /** Bytes of an array of this length the budget pays for. */
    private static long charged(int arrayLength) {
        return Math.max(0, arrayLength - SMALL);
    }

    private void forgetArray() {
        budget.release(charged(kept.length));
        kept = new byte[0];
    }

    /** The current body's mask (a masking walk that loses sync checks it). */
    public BodyMask mask() {
        return mask;
    }

    /** Forgets the body and gives back a large array. */
    public void clear() {
        left = 0;
        keptLength = 0;
        if (kept.length > SMALL) {
            forgetArray();
        }
    }
}
