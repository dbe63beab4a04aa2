package io.tlsscope.golang;

import java.util.Arrays;

/**
 * Length of one x86-64 instruction (64-bit mode): legacy prefixes, REX, VEX and EVEX prefixes,
 * the one-, two- and three-byte opcode maps, ModRM/SIB/displacement and immediates. Lengths
 * only, no operands: enough to walk a function instruction by instruction and find its RETs.
 * No maintained Java x86 decoder is on the Maven mirror this project builds from (iced-x86 is not),
 * so this one is proven instead: X86InstructionLengthTest walks every function of real Go
 * binaries and must agree with GNU objdump on every instruction boundary.
 * Opcode facts: Intel SDM Vol. 2, Appendix A (opcode maps).
 */
public final class X86InstructionLength {
    private static final int NONE = 0;
    private static final int MODRM = 1;
    /** Immediate kinds. */
    private static final int IB = 1 << 1;
    private static final int IW = 1 << 2;
    /** 4 bytes, 2 with an operand-size (66) prefix. */
    private static final int IZ = 1 << 3;
    /** B8-BF: 4 bytes, 8 with REX.W, 2 with 66. */
    private static final int IV = 1 << 4;
    /** A0-A3: an absolute address, 8 bytes (4 with an address-size prefix). */
    private static final int MOFFS = 1 << 5;
    /** F6/F7: an immediate only for TEST (ModRM.reg 0 or 1). */
    private static final int GROUP3 = 1 << 6;

    private static final int[] ONE_BYTE = new int[256];
    private static final int[] TWO_BYTE = new int[256];

    static {
        for (int base = 0x00; base <= 0x38; base += 8) { // ADD OR ADC SBB AND SUB XOR CMP
            for (int op = base; op < base + 4; op++) {
                ONE_BYTE[op] = MODRM;
            }
            ONE_BYTE[base + 4] = IB;
            ONE_BYTE[base + 5] = IZ;
        }
        ONE_BYTE[0x63] = MODRM;
        ONE_BYTE[0x68] = IZ;
        ONE_BYTE[0x69] = MODRM | IZ;
        ONE_BYTE[0x6A] = IB;
        ONE_BYTE[0x6B] = MODRM | IB;
        for (int op = 0x70; op <= 0x7F; op++) {
            ONE_BYTE[op] = IB; // Jcc rel8
        }
        ONE_BYTE[0x80] = MODRM | IB;
        ONE_BYTE[0x81] = MODRM | IZ;
        ONE_BYTE[0x82] = MODRM | IB;
        ONE_BYTE[0x83] = MODRM | IB;
        for (int op = 0x84; op <= 0x8F; op++) {
            ONE_BYTE[op] = MODRM;
        }
        for (int op = 0xA0; op <= 0xA3; op++) {
            ONE_BYTE[op] = MOFFS;
        }
        ONE_BYTE[0xA8] = IB;
        ONE_BYTE[0xA9] = IZ;
        for (int op = 0xB0; op <= 0xB7; op++) {
            ONE_BYTE[op] = IB;
        }
        for (int op = 0xB8; op <= 0xBF; op++) {
            ONE_BYTE[op] = IV;
        }
        ONE_BYTE[0xC0] = MODRM | IB;
        ONE_BYTE[0xC1] = MODRM | IB;
        ONE_BYTE[0xC2] = IW;
        ONE_BYTE[0xC6] = MODRM | IB;
        ONE_BYTE[0xC7] = MODRM | IZ;
        ONE_BYTE[0xC8] = IW | IB; // ENTER imm16, imm8
        ONE_BYTE[0xCA] = IW;
        ONE_BYTE[0xCD] = IB;
        for (int op = 0xD0; op <= 0xD3; op++) {
            ONE_BYTE[op] = MODRM;
        }
        ONE_BYTE[0xD4] = IB;
        ONE_BYTE[0xD5] = IB;
        for (int op = 0xD8; op <= 0xDF; op++) {
            ONE_BYTE[op] = MODRM; // x87
        }
        for (int op = 0xE0; op <= 0xE7; op++) {
            ONE_BYTE[op] = IB; // LOOPcc, JrCXZ, IN/OUT imm8
        }
        ONE_BYTE[0xE8] = IZ;
        ONE_BYTE[0xE9] = IZ;
        ONE_BYTE[0xEB] = IB;
        ONE_BYTE[0xF6] = MODRM | GROUP3;
        ONE_BYTE[0xF7] = MODRM | GROUP3;
        ONE_BYTE[0xFE] = MODRM;
        ONE_BYTE[0xFF] = MODRM;

        Arrays.fill(TWO_BYTE, MODRM);
        for (int op : new int[] {0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0E, 0x24, 0x25, 0x26, 0x27,
                0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x39, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x77,
                0xA0, 0xA1, 0xA2, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA}) {
            TWO_BYTE[op] = NONE;
        }
        for (int op = 0xC8; op <= 0xCF; op++) {
            TWO_BYTE[op] = NONE; // BSWAP
        }
        for (int op = 0x80; op <= 0x8F; op++) {
            TWO_BYTE[op] = IZ; // Jcc rel32
        }
        for (int op : new int[] {0x0F, 0x70, 0x71, 0x72, 0x73, 0xA4, 0xAC, 0xBA, 0xC2, 0xC4, 0xC5, 0xC6}) {
            TWO_BYTE[op] = MODRM | IB;
        }
    }

    private X86InstructionLength() {
    }

    /**
     * Length in bytes of the instruction at code[offset].
     *
     * @throws IllegalArgumentException when the bytes end inside the instruction
     */
    public static int at(byte[] code, int offset) {
        Cursor cursor = new Cursor(code, offset);
        boolean operandSize = false;
        boolean addressSize = false;
        int opcode = cursor.next();
        while (isLegacyPrefix(opcode)) {
            operandSize |= opcode == 0x66;
            addressSize |= opcode == 0x67;
            opcode = cursor.next();
        }
        boolean rexW = false;
        if ((opcode & 0xF0) == 0x40) {
            rexW = (opcode & 0x08) != 0;
            opcode = cursor.next();
        }
        if (opcode == 0xC4 || opcode == 0xC5) {
            return vex(cursor, opcode, offset);
        }
        if (opcode == 0x62) {
            return evex(cursor, offset);
        }
        if (opcode != 0x0F) {
            int kind = ONE_BYTE[opcode];
            int reg = (kind & MODRM) != 0 ? modRm(cursor) : 0;
            if ((kind & GROUP3) != 0 && reg <= 1) {
                kind |= opcode == 0xF7 ? IZ : IB; // TEST r/m, imm
            }
            immediate(cursor, kind, operandSize, addressSize, rexW);
            return cursor.position - offset;
        }
        int second = cursor.next();
        if (second == 0x38) { // three-byte map 0F38: ModRM, no immediate
            cursor.next();
            modRm(cursor);
        } else if (second == 0x3A) { // three-byte map 0F3A: ModRM and imm8
            cursor.next();
            modRm(cursor);
            cursor.skip(1);
        } else {
            int kind = TWO_BYTE[second];
            if ((kind & MODRM) != 0) {
                modRm(cursor);
            }
            immediate(cursor, kind, operandSize, addressSize, rexW);
        }
        return cursor.position - offset;
    }

    private static boolean isLegacyPrefix(int value) {
        return switch (value) {
            case 0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67 -> true;
            default -> false;
        };
    }

    /** VEX: C5 xx (map 0F) or C4 xx xx (map in the low five bits of the first byte). */
    private static int vex(Cursor cursor, int prefix, int start) {
        int map = 1;
        if (prefix == 0xC4) {
            map = cursor.next() & 0x1F;
        }
        cursor.next();
        int opcode = cursor.next();
        if (map == 1 && opcode == 0x77) {
            return cursor.position - start; // VZEROUPPER / VZEROALL: no ModRM
        }
        modRm(cursor);
        if (map == 3 || (map == 1 && hasVectorImmediate(opcode))) {
            cursor.skip(1);
        }
        return cursor.position - start;
    }

    /** EVEX: 62 and three payload bytes, the map in the low three bits of the first. */
    private static int evex(Cursor cursor, int start) {
        int map = cursor.next() & 0x07;
        cursor.next();
        cursor.next();
        int opcode = cursor.next();
        modRm(cursor);
        if (map == 3 || (map == 1 && hasVectorImmediate(opcode))) {
            cursor.skip(1);
        }
        return cursor.position - start;
    }

    /** Map-0F vector instructions with an imm8: shifts by immediate, compares and shuffles. */
    private static boolean hasVectorImmediate(int opcode) {
        return (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xC2 || (opcode >= 0xC4 && opcode <= 0xC6);
    }

    /** Consumes ModRM, SIB and displacement; returns ModRM.reg. */
    private static int modRm(Cursor cursor) {
        int modRm = cursor.next();
        int mod = modRm >>> 6;
        int rm = modRm & 0x07;
        if (mod != 3 && rm == 4) {
            int sib = cursor.next();
            if (mod == 0 && (sib & 0x07) == 5) {
                cursor.skip(4);
            }
        }
        if (mod == 1) {
            cursor.skip(1);
        } else if (mod == 2 || (mod == 0 && rm == 5)) {
            cursor.skip(4);
        }
        return (modRm >>> 3) & 0x07;
    }

    private static void immediate(Cursor cursor, int kind, boolean operandSize, boolean addressSize, boolean rexW) {
        if ((kind & IB) != 0) {
            cursor.skip(1);
        }
        if ((kind & IW) != 0) {
            cursor.skip(2);
        }
        if ((kind & IZ) != 0) {
            cursor.skip(operandSize ? 2 : 4);
        }
        if ((kind & IV) != 0) {
            cursor.skip(rexW ? 8 : operandSize ? 2 : 4);
        }
        if ((kind & MOFFS) != 0) {
            cursor.skip(addressSize ? 4 : 8);
        }
    }

    /** Reads forward through the code, failing when it runs out. */
    private static final class Cursor {
        private final byte[] code;
        private int position;

        Cursor(byte[] code, int position) {
            this.code = code;
            this.position = position;
        }

        int next() {
            if (position >= code.length) {
                throw new IllegalArgumentException("instruction runs past the end of the code at " + position);
            }
            return Byte.toUnsignedInt(code[position++]);
        }

        void skip(int bytes) {
            position += bytes;
            if (position > code.length) {
                throw new IllegalArgumentException("instruction runs past the end of the code at " + position);
            }
        }
    }
}
