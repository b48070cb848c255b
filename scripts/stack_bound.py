#!/usr/bin/env python3
"""A static worst-case stack bound for functions of an ARM (Thumb-2) ELF image.

    stack_bound.py [--tools DIR] [--top N] ELF [LABEL=]FUNCTION [...]

For each root FUNCTION (a demangled name without its hash, e.g. `<my_crate::Device>::handle`,
or a unique substring of one, or a mangled symbol name), prints the largest stack the function
can use, its own frame included: the deepest path through the call graph, frame by frame.

Where the numbers come from:

- Frame sizes: LLVM's own, from the image's `.stack_sizes` section (compile with
  `RUSTFLAGS="-Z emit-stack-sizes"` on nightly; the linker keeps the section). A function that
  has no entry there (compiler_builtins' `memcpy`, `__aeabi_*`: precompiled, not LTO'd) gets
  the sum of every `sp` decrement in its body instead (push, vpush, stmdb/str with writeback,
  sub sp). So does one whose body moves `sp` by more than its entry says: the machine
  outliner's `str lr, [sp, #-8]!; bl OUTLINED_FUNCTION_n; ldr lr, [sp], #8`, which LLVM's
  figure leaves out, counts once, as the largest such bracket; any other decrement counts in
  full (an upper bound).
- The call graph: every `bl`/`blx <imm>`, and every branch (`b`, `b<cc>`, `cbz`) whose target
  is in another function (a tail call or a jump to an outlined function) counts as a call made
  with the caller's whole frame still allocated: an over-estimate for true tail calls, exact for
  outlined code that still runs in its caller's frame.
- Calls through a register (`blx rN`, `bx rN` other than `bx lr`, `mov pc, rN`): resolved when
  a forward constant propagation over the function's control flow finds the register holding
  the same function address on every path (from a literal-pool `ldr`, `movw`/`movt`, `mov` or
  `adr`; r4-r11 survive calls): LLVM keeps a function's address in a callee-saved register
  across a loop. Other indirect calls and jumps (and `ldr pc, [rN, ..]`) may go to any function
  whose address the image takes: a word in a non-executable allocated section (vtables, vector
  tables), a literal-pool word, or a constant materialized in code, equal to a function's
  address. The call gets an edge to each of them, which keeps the bound sound as long as no
  code computes a function address by arithmetic (Rust and LLVM do not); coincidental matches
  (data that happens to equal an address) only make it larger. When the image takes no
  function's address at all, such a call cannot reach any code in it.

The bound is reported as UNSOUND (exit status 3) when, from a root, it reaches recursion (a
cycle in the call graph: the depth is then unbounded and each function of the cycle is counted
once), an `sp` write the analyser does not understand (`sub sp, rN`, `mov sp, rN` outside an
epilogue, ...), or a branch into code no symbol covers. Interrupt and exception handlers come
on top of any figure printed here.

Output: for each root a machine-readable line

    bound LABEL BYTES sound|unsound

followed by the worst chain (frame, cumulative, function), the largest frames reachable, the
indirect calls and their resolution, and the reasons for `unsound`. `--json FILE` writes the
same as JSON.

Exit status: 0 every root found and sound; 3 a root's bound is unsound; 2 usage error, a
missing tool, a root not found, or an image this cannot read.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass, field

EM_ARM = 40
STT_FUNC = 2
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHT_SYMTAB = 2
SHT_NOBITS = 8


class Fatal(Exception):
    """An error that stops the analysis (exit status 2)."""


# ---------------------------------------------------------------------------------------------
# ELF
# ---------------------------------------------------------------------------------------------


@dataclass
class Section:
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    entsize: int


@dataclass
class Symbol:
    name: str
    value: int  # as in the symbol table (bit 0 set for Thumb functions)
    size: int
    type: int
    shndx: int


class Elf:
    """Just enough of an ELF reader: sections, symbols, section bytes. Little-endian only."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF":
            raise Fatal(f"{path}: not an ELF file")
        self.bits = {1: 32, 2: 64}.get(d[4])
        if self.bits is None or d[5] != 1:
            raise Fatal(f"{path}: only little-endian ELF32/ELF64 is supported")
        if self.bits == 32:
            (self.machine,) = struct.unpack_from("<H", d, 18)
            (shoff,) = struct.unpack_from("<I", d, 32)
            shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 46)
            fmt = "<IIIIIIIIII"
        else:
            (self.machine,) = struct.unpack_from("<H", d, 18)
            (shoff,) = struct.unpack_from("<Q", d, 40)
            shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 58)
            fmt = "<IIQQQQIIQQ"
        raw = []
        for i in range(shnum):
            raw.append(struct.unpack_from(fmt, d, shoff + i * shentsize))
        names_off = raw[shstrndx][4] if raw else 0
        self.sections = [
            Section(self._str(names_off, r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[9])
            for r in raw
        ]

    def _str(self, table: int, off: int) -> str:
        end = self.data.index(b"\0", table + off)
        return self.data[table + off : end].decode("utf-8", "replace")

    def contents(self, s: Section) -> bytes:
        if s.type == SHT_NOBITS:
            return b""
        return self.data[s.offset : s.offset + s.size]

    def symbols(self) -> list[Symbol]:
        out = []
        for s in self.sections:
            if s.type != SHT_SYMTAB:
                continue
            strtab = self.sections[s.link].offset
            body = self.contents(s)
            step = s.entsize or (16 if self.bits == 32 else 24)
            for off in range(step, len(body) - step + 1, step):  # entry 0 is null
                if self.bits == 32:
                    name, value, size, info, _, shndx = struct.unpack_from("<IIIBBH", body, off)
                else:
                    name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", body, off)
                out.append(Symbol(self._str(strtab, name), value, size, info & 0xF, shndx))
        return out


def uleb128(data: bytes, i: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


# ---------------------------------------------------------------------------------------------
# The image: functions, frames, instructions
# ---------------------------------------------------------------------------------------------


@dataclass
class Function:
    addr: int  # Thumb bit cleared
    value: int  # the symbol's value (Thumb bit set)
    size: int
    mangled: str
    name: str
    llvm_frame: int | None = None  # from .stack_sizes
    body_decrements: int = 0  # sum of every sp decrement in the body
    calls: dict[int, str] = field(default_factory=dict)  # callee -> how ("bl @addr", ...)
    indirect_sites: list[tuple[int, str]] = field(default_factory=list)  # unresolved
    problems: list[str] = field(default_factory=list)

    @property
    def frame(self) -> int:
        if self.llvm_frame is None:
            return self.body_decrements
        return max(self.llvm_frame, self.body_decrements)

    @property
    def frame_source(self) -> str:
        if self.llvm_frame is None:
            return "disassembly"
        if self.body_decrements > self.llvm_frame:
            return f"disassembly (LLVM says {self.llvm_frame})"
        return "llvm"


def find_tools(explicit: str | None) -> str:
    """The directory holding llvm-objdump and llvm-nm (rustup's llvm-tools, or PATH)."""
    candidates = []
    if explicit:
        candidates.append(explicit)
    try:
        sysroot = subprocess.run(
            ["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True
        ).stdout.strip()
        base = os.path.join(sysroot, "lib", "rustlib")
        for host in sorted(os.listdir(base)):
            candidates.append(os.path.join(base, host, "bin"))
    except (OSError, subprocess.CalledProcessError):
        pass
    for d in candidates:
        if all(os.access(os.path.join(d, t), os.X_OK) for t in ("llvm-objdump", "llvm-nm")):
            return d
    on_path = shutil.which("llvm-objdump")
    if on_path and shutil.which("llvm-nm"):
        return os.path.dirname(on_path)
    raise Fatal(
        "llvm-objdump/llvm-nm not found: `rustup component add llvm-tools`, or pass --tools DIR"
    )


def run(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError as e:
        raise Fatal(f"{' '.join(args)} failed: {e.stderr.strip()}") from e


def demangled_names(tools: str, elf_path: str) -> dict[str, str]:
    """mangled -> demangled (hash suffix removed), from llvm-nm in symbol-table order."""
    cmd = [os.path.join(tools, "llvm-nm"), "--defined-only", "--no-sort", "--format=just-symbols"]
    mangled = run(*cmd, elf_path).splitlines()
    demangled = run(*cmd, "--demangle", elf_path).splitlines()
    if len(mangled) != len(demangled):
        return {}
    return {m: re.sub(r"::h[0-9a-f]{16}$", "", d) for m, d in zip(mangled, demangled)}


LINE = re.compile(r"^\s*([0-9a-f]+):\s+(?:(?:[0-9a-f]{2} ?)+\s+)?(\S+)\s*(.*?)\s*$")
WORD = re.compile(r"^\.(?:word|long)$")
CONDS = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al"
REG_LIST = re.compile(r"\{([^}]*)\}")


def reg_count(text: str) -> int:
    """Registers in a register list such as `r4-r7, lr` or `d8-d15`."""
    n = 0
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"([a-z]+)(\d+)-[a-z]+(\d+)", part)
        n += int(m.group(3)) - int(m.group(2)) + 1 if m else 1 if part else 0
    return n


def imm(text: str) -> int | None:
    m = re.search(r"#(-?(?:0x[0-9a-f]+|\d+))", text)
    return int(m.group(1), 0) if m else None



@dataclass
class Insn:
    addr: int
    op: str  # as printed, e.g. `bne.w`
    base: str  # without condition code and width, e.g. `b`
    args: str  # operands, comments removed
    pool: int | None  # the literal's address, for `ldr rN, [pc, #..]`
    cond: bool = False  # executes conditionally (a condition suffix, e.g. in an IT block)


KNOWN = {
    "push", "pop", "stm", "stmia", "stmdb", "stmfd", "ldm", "ldmia", "ldmfd", "ldmdb",
    "vpush", "vpop", "vstmdb", "vstmia", "vldmia", "vldmdb",
    "str", "strb", "strh", "strd", "strex", "ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrd",
    "ldrex", "sub", "subs", "subw", "add", "adds", "addw", "mov", "movs", "movw", "movt", "mvn",
    "bic", "bics", "adr", "b", "bl", "blx", "bx", "cbz", "cbnz", "tbb", "tbh", "cmp", "cmn",
    "tst", "teq", "umull", "smull", "umlal", "smlal", "vmov", "vldr", "vstr", "it", "nop",
}
CONDSET = set(CONDS.split("|"))
BRANCHES = {"b", "cbz", "cbnz"}
CALLER_SAVED = ("r0", "r1", "r2", "r3", "r12", "ip", "lr")
NO_WRITE = {
    "str", "strb", "strh", "strd", "strex", "stm", "stmia", "stmdb", "stmfd", "push", "vpush",
    "vstr", "vstmdb", "vstmia", "cmp", "cmn", "tst", "teq", "b", "bl", "blx", "bx", "cbz",
    "cbnz", "tbb", "tbh", "it", "nop", "pop", "vpop", "dmb", "dsb", "isb", "svc", "bkpt", "udf",
}
CORE_REG = re.compile(r"^(r\d+|sb|sl|fp|ip|lr|sp)$")
POOL = re.compile(r"\[pc, #-?(?:0x[0-9a-f]+|\d+)\]\s*@\s*0x([0-9a-f]+)")
PRE_DEC_SP = re.compile(r"\[(?:sp|r13), #-(0x[0-9a-f]+|\d+)\]!$")


def base_of(op: str) -> str:
    o = re.sub(r"\.(w|n)$", "", op)
    if o in KNOWN:
        return o
    if len(o) > 2 and o[-2:] in CONDSET and o[:-2] in KNOWN:
        return o[:-2]
    if o.startswith("it"):
        return "it"
    return o


def branch_target(i: Insn) -> int | None:
    m = re.search(r"(?:^|, )0x([0-9a-f]+)", i.args)
    return int(m.group(1), 16) if m else None


def first_reg(i: Insn) -> str | None:
    if i.base in NO_WRITE or i.base.startswith(("ldm", "vld", "vst")):
        return None
    dest = i.args.split(",")[0].strip()
    return dest if CORE_REG.match(dest) else None


def written(i: Insn) -> list[str]:
    """Core registers `i` writes (pops and `ldm sp!` restore the caller's: not counted)."""
    out = []
    args = i.args
    if m := re.search(r"\[(\w+)(?:, [^\]]*)?\]!|\[(\w+)\], ", args):  # base writeback
        out.append(m.group(1) or m.group(2))
    if i.base.startswith("ldm"):
        base = args.split(",")[0].strip()
        if base.rstrip("!") not in ("sp", "r13") and (regs := REG_LIST.search(args)):
            out.extend(r.strip() for r in regs.group(1).split(","))
            if base.endswith("!"):
                out.append(base.rstrip("!"))
        return out
    if i.base in ("ldrd", "ldrexd", "umull", "smull", "umlal", "smlal") or (
        i.base == "vmov" and len(args.split(",")) == 3
    ):
        regs = [a.strip() for a in args.split(",")[:2]]
        return out + [r for r in regs if CORE_REG.match(r)]
    if (r := first_reg(i)) is not None:
        out.append(r)
    return out


def call_register(i: Insn) -> str | None:
    """The register a call or jump through a register goes to (not returns)."""
    if i.base == "blx" and CORE_REG.match(i.args):
        return i.args
    if i.base == "bx" and i.args != "lr" and CORE_REG.match(i.args):
        return i.args
    if i.base == "mov" and i.args.startswith("pc,"):
        return i.args.split(",")[1].strip()
    return None


def is_return(i: Insn) -> bool:
    if i.base == "bx" and i.args == "lr":
        return True
    if i.base in ("pop", "ldm", "ldmia", "ldmfd") and re.search(r"\bpc\}", i.args):
        return i.base == "pop" or i.args.startswith(("sp!", "r13!"))
    return i.base == "ldr" and re.match(r"pc, \[(sp|r13)\], #\d+$", i.args) is not None


def is_indirect_jump(i: Insn) -> bool:
    """Writes pc other than by a branch, call or return: `ldr pc, [rN, ..]`, `add pc, ..`."""
    if is_return(i) or i.base in ("b", "bl", "blx", "bx", "cbz", "cbnz", "tbb", "tbh"):
        return False
    if i.base in ("pop", "ldm", "ldmia", "ldmfd", "ldmdb") and re.search(r"\bpc\}", i.args):
        return True
    return i.args.split(",")[0].strip() == "pc"


def falls_through(i: Insn) -> bool:
    """Whether control can go on to the next instruction."""
    if i.cond:
        return True
    if i.base in ("b", "tbb", "tbh") or is_return(i) or is_indirect_jump(i):
        return False
    return not (call_register(i) is not None and i.base != "blx")


class Image:
    def __init__(self, path: str, tools: str):
        self.path = path
        elf = Elf(path)
        if elf.machine != EM_ARM:
            raise Fatal(f"{path}: machine {elf.machine}, not ARM: only ARM/Thumb-2 is analysed")
        names = demangled_names(tools, path)
        self.funcs: dict[int, Function] = {}
        for s in elf.symbols():
            if s.type != STT_FUNC or s.shndx == 0:
                continue
            addr = s.value & ~1
            f = self.funcs.get(addr)
            if f is None or (f.size == 0 and s.size):
                self.funcs[addr] = Function(
                    addr, s.value, s.size, s.name, names.get(s.name, s.name)
                )
        if not self.funcs:
            raise Fatal(f"{path}: no function symbols (stripped?)")
        self.starts = sorted(self.funcs)

        self.has_stack_sizes = False
        for s in elf.sections:
            if s.name != ".stack_sizes":
                continue
            self.has_stack_sizes = True
            body, i, w = elf.contents(s), 0, elf.bits // 8
            while i + w <= len(body):
                addr = int.from_bytes(body[i : i + w], "little") & ~1
                size, i = uleb128(body, i + w)
                if addr in self.funcs:
                    self.funcs[addr].llvm_frame = size

        # Function addresses taken anywhere: words of non-executable allocated sections,
        # literal-pool words, movw/movt pairs, adr (filled in by the disassembly pass).
        self.by_value = {f.value: f.addr for f in self.funcs.values()}
        self.address_taken: dict[int, str] = {}
        for s in elf.sections:
            if s.flags & SHF_ALLOC and not s.flags & SHF_EXECINSTR and s.type != SHT_NOBITS:
                if s.name.startswith(".ARM.exidx") or s.name == ".stack_sizes":
                    continue
                body = elf.contents(s)
                for off in range(0, len(body) - 3, 4 if s.addr % 4 == 0 else 2):
                    v = int.from_bytes(body[off : off + 4], "little")
                    if v in self.by_value:
                        self.address_taken.setdefault(
                            self.by_value[v], f"word in {s.name} at {s.addr + off:#x}"
                        )
        self.unknown_targets: set[tuple[int, int]] = set()
        self._disassemble(tools)

    def owner(self, addr: int) -> int | None:
        i = bisect.bisect_right(self.starts, addr) - 1
        if i < 0:
            return None
        f = self.funcs[self.starts[i]]
        return f.addr if addr < f.addr + max(f.size, 2) else None

    def _disassemble(self, tools: str) -> None:
        text = run(os.path.join(tools, "llvm-objdump"), "-d", "--no-show-raw-insn", self.path)
        elf = Elf(self.path)
        self._code = [(s.addr, elf.contents(s)) for s in elf.sections if s.flags & SHF_EXECINSTR]
        bodies: dict[int, list[Insn]] = {}
        for line in text.splitlines():
            m = LINE.match(line)
            if not m:
                continue
            addr, op, args = int(m.group(1), 16), m.group(2), m.group(3)
            if WORD.match(op):  # a literal-pool word
                self._taken(int(args.split()[0], 0), f"literal word at {addr:#x}")
                continue
            if op.startswith("."):
                continue
            fa = self.owner(addr)
            if fa is None:
                continue
            pool = POOL.search(args)
            args = args.split(" @ ")[0].strip()
            base = base_of(op)
            cond = re.sub(r"\.(w|n)$", "", op) not in (base, "cbz", "cbnz") and base != "it"
            bodies.setdefault(fa, []).append(
                Insn(addr, op, base, args, int(pool.group(1), 16) if pool else None, cond)
            )
        for fa, insns in bodies.items():
            self._function(self.funcs[fa], insns)

    def _taken(self, value: int, where: str) -> None:
        if value in self.by_value:
            self.address_taken.setdefault(self.by_value[value], where)

    def _word(self, at: int) -> int | None:
        for start, body in self._code:
            if start <= at <= start + len(body) - 4:
                return int.from_bytes(body[at - start : at - start + 4], "little")
        return None

    def _call(self, f: Function, target: int, how: str, at: int) -> None:
        g = self.owner(target)
        if g is None:
            self.unknown_targets.add((f.addr, target))
            f.problems.append(f"{how} at {at:#x} to {target:#x}, which no function symbol covers")
            return
        if g == f.addr and how != "bl":
            return  # a branch within the function, or a loop back to its start
        f.calls.setdefault(g, f"{how} at {at:#x}")

    def _function(self, f: Function, insns: list[Insn]) -> None:
        """Frame, calls and indirect calls of one function."""
        bracket = 0  # the largest `str rX, [sp, #-N]!; bl ..; ldr rX, [sp], #N` around a call
        for n, i in enumerate(insns):
            down = self._stack(f, i)
            if down and (m := re.match(r"(\w+), \[sp, #-(0x[0-9a-f]+|\d+)\]!$", i.args)):
                undo = re.compile(rf"{m.group(1)}, \[sp\], #{int(m.group(2), 0)}$")
                if any(j.base == "ldr" and undo.match(j.args) for j in insns[n + 1 : n + 4]):
                    bracket, down = max(bracket, down), 0
            f.body_decrements += down
            if i.base in ("bl", "blx") and (t := branch_target(i)) is not None:
                self._call(f, t, "bl", i.addr)
            elif i.base in BRANCHES and (t := branch_target(i)) is not None:
                self._call(f, t, "b", i.addr)
            elif is_indirect_jump(i):
                f.indirect_sites.append((i.addr, f"{i.op} {i.args}"))
            if (value := self._constant(i, {})) is not None:
                self._taken(value, f"{i.op} at {i.addr:#x}")
                self._taken(value | 1, f"{i.op} at {i.addr:#x}")
        f.body_decrements += bracket
        sites = [n for n, i in enumerate(insns) if call_register(i) is not None]
        if not sites:
            return
        # Calls through a register: which constant the register holds there, by a forward
        # must-analysis over the function's control flow graph (a register is known only if
        # every path to the call gives it the same constant).
        at = {i.addr: n for n, i in enumerate(insns)}
        succ: list[list[int]] = [[] for _ in insns]
        has_pred = [False] * len(insns)
        for n, i in enumerate(insns):
            t = branch_target(i) if i.base in BRANCHES else None
            if t is not None and t in at:
                succ[n].append(at[t])
            if falls_through(i) and n + 1 < len(insns):
                succ[n].append(n + 1)
            for m in succ[n]:
                has_pred[m] = True
        state: list[dict[str, int] | None] = [None] * len(insns)
        work = []
        for n in range(len(insns)):
            if n == 0 or not has_pred[n]:  # the entry, jump-table cases: nothing known
                state[n] = {}
                work.append(n)
        while work:
            n = work.pop()
            out = self._transfer(insns[n], dict(state[n]))
            for m in succ[n]:
                if state[m] is None:
                    state[m] = out
                else:
                    met = {r: v for r, v in state[m].items() if out.get(r) == v}
                    if met == state[m]:
                        continue
                    state[m] = met
                work.append(m)
        for n in sites:
            i = insns[n]
            value = (state[n] or {}).get(call_register(i))
            if value is not None and value in self.by_value:
                self._call(f, self.by_value[value], "bl", i.addr)
            else:
                f.indirect_sites.append((i.addr, f"{i.op} {i.args}"))

    def _transfer(self, i: Insn, known: dict[str, int]) -> dict[str, int]:
        value = self._constant(i, known)
        for r in written(i):
            known.pop(r, None)
        if value is not None and not i.cond and (dest := first_reg(i)) is not None:
            known[dest] = value
        if i.base in ("bl", "blx"):
            for r in CALLER_SAVED:
                known.pop(r, None)
        return known

    def _constant(self, i: Insn, known: dict[str, int]) -> int | None:
        """The constant `i` puts in its first register, if it is one."""
        dest = first_reg(i)
        if dest is None:
            return None
        if i.base == "ldr" and i.pool is not None:
            return self._word(i.pool)
        if i.base in ("movw", "mov", "movs") and re.fullmatch(r"\w+, #(0x[0-9a-f]+|\d+)", i.args):
            return imm(i.args) & 0xFFFFFFFF if i.base != "movw" else imm(i.args) & 0xFFFF
        if i.base == "movt" and dest in known and imm(i.args) is not None:
            return (known[dest] & 0xFFFF) | ((imm(i.args) & 0xFFFF) << 16)
        if i.base == "mov" and re.fullmatch(r"\w+, (\w+)", i.args):
            return known.get(i.args.split(",")[1].strip())
        if i.base == "adr" and (t := branch_target(i)) is not None:
            return t
        return None

    def _stack(self, f: Function, i: Insn) -> int:
        """The stack `i` allocates (bytes), or 0; odd `sp` writes are noted as problems."""
        base, args = i.base, i.args
        dest = args.split(",")[0].strip()
        regs = REG_LIST.search(args)
        if base in ("push", "stmdb", "stmfd") and (base == "push" or dest in ("sp!", "r13!")):
            return 4 * reg_count(regs.group(1)) if regs else 0
        elif base in ("vpush", "vstmdb") and (base == "vpush" or dest in ("sp!", "r13!")):
            if regs:
                width = 8 if regs.group(1).strip().startswith("d") else 4
                return width * reg_count(regs.group(1))
            return 0
        elif base.startswith(("str", "vstr")) and (m := PRE_DEC_SP.search(args)):
            return int(m.group(1), 0)
        elif dest in ("sp", "r13") and base not in NO_WRITE:
            rest = [a.strip() for a in args.split(",")[1:]]
            value = imm(args)
            if base in ("sub", "subw", "subs"):
                src = rest[0] if len(rest) == 2 else "sp"
                if src in ("sp", "r13") and value is not None:
                    return max(value, 0)
                elif src in ("sp", "r13"):
                    f.problems.append(f"dynamic stack allocation at {i.addr:#x}: {i.op} {args}")
                # else `sub sp, r7, #N`: sp restored from the frame pointer (an epilogue)
            elif base in ("add", "addw", "adds"):
                if value is not None and value < 0:
                    return -value
                elif value is None and rest and rest[-1] not in ("sp", "r13"):
                    f.problems.append(f"sp moved by a register at {i.addr:#x}: {i.op} {args}")
            elif base == "mov" and rest and rest[0] in ("r7", "r11", "fp"):
                pass  # sp restored from the frame pointer (an epilogue)
            elif base == "bic":
                return value or 0  # realignment: at most the mask
            elif base in ("ldr", "pop", "ldm", "vpop", "vldm"):
                pass
            else:
                f.problems.append(f"sp written by `{i.op} {args}` at {i.addr:#x}, not understood")
        return 0

    def find(self, query: str) -> Function:
        exact = [f for f in self.funcs.values() if query in (f.name, f.mangled)]
        if len(exact) == 1:
            return exact[0]
        partial = [f for f in self.funcs.values() if query in f.name]
        if len(partial) == 1:
            return partial[0]
        found = exact or partial
        if not found:
            raise Fatal(f"function {query!r} not found in {self.path}")
        listing = "; ".join(f.name for f in found[:8])
        raise Fatal(f"{query!r} matches {len(found)} functions: {listing}")


# ---------------------------------------------------------------------------------------------
# The bound
# ---------------------------------------------------------------------------------------------


@dataclass
class Bound:
    label: str
    root: Function
    total: int
    chain: list[Function]
    reachable: set[int]
    cycles: list[list[str]]
    indirect: list[str]
    problems: list[str]

    @property
    def sound(self) -> bool:
        return not (self.cycles or self.problems)


def analyse(image: Image, label: str, root: Function) -> Bound:
    funcs = image.funcs
    taken = sorted(image.address_taken)

    def edges(a: int) -> list[int]:
        out = list(funcs[a].calls)
        if funcs[a].indirect_sites:
            out.extend(t for t in taken if t not in out)
        return out

    # Reachable set, then Tarjan's strongly connected components over it (iteratively).
    reach, todo = set(), [root.addr]
    while todo:
        a = todo.pop()
        if a not in reach:
            reach.add(a)
            todo.extend(edges(a))
    index, low, on_stack, stack, sccs, counter = {}, {}, set(), [], [], [0]
    for start in sorted(reach):
        if start in index:
            continue
        work = [(start, iter(edges(start)))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(edges(w))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                sccs.append(comp)
    cycles = [
        sorted(funcs[a].name for a in comp)
        for comp in sccs
        if len(comp) > 1 or comp[0] in edges(comp[0])
    ]

    # Worst path. Components come out of Tarjan's algorithm callees first; inside a cycle each
    # function is counted once (the figure is then a lower bound, and reported unsound).
    comp_of = {a: i for i, comp in enumerate(sccs) for a in comp}
    cost: dict[int, int] = {}
    best: dict[int, int | None] = {}
    for i, comp in enumerate(sccs):
        inner = sum(funcs[a].frame for a in comp) if len(comp) > 1 else 0
        for a in comp:
            top, arg = 0, None
            for g in edges(a):
                if comp_of[g] == i:
                    continue
                if cost[g] > top:
                    top, arg = cost[g], g
            cost[a] = (inner or funcs[a].frame) + top
            best[a] = arg
        if len(comp) > 1:  # every member of a cycle: its frames plus the worst way out
            worst = max(comp, key=lambda a: cost[a])
            for a in comp:
                cost[a], best[a] = cost[worst], best[worst]
    chain, a = [], root.addr
    while a is not None and len(chain) < 10_000:
        chain.append(funcs[a])
        a = best[a]

    indirect, problems = [], []
    for a in sorted(reach):
        f = funcs[a]
        for at, ins in f.indirect_sites:
            if taken:
                names = "; ".join(
                    f"{funcs[t].name} ({image.address_taken[t]})" for t in taken[:6]
                )
                more = f"; and {len(taken) - 6} more" if len(taken) > 6 else ""
                indirect.append(
                    f"{ins} at {at:#x} in {f.name}: may call any of the {len(taken)} functions"
                    f" whose address the image takes, all counted: {names}{more}"
                )
            else:
                indirect.append(
                    f"{ins} at {at:#x} in {f.name}: the image takes no function's address,"
                    " so this call cannot reach any code in it"
                )
        problems.extend(f"{f.name}: {p}" for p in f.problems)
    return Bound(label, root, cost[root.addr], chain, reach, cycles, indirect, problems)


def report(image: Image, b: Bound, top: int) -> list[str]:
    out = [f"bound {b.label} {b.total} {'sound' if b.sound else 'unsound'}"]
    out.append(f"  {b.label}: {b.root.name}: at most {b.total} B of stack, its own frame included")
    out.append("    frame  cumulative  function")
    cum = 0
    for f in b.chain:
        cum += f.frame
        src = "" if f.frame_source == "llvm" else f"  [frame from {f.frame_source}]"
        out.append(f"    {f.frame:5d}  {cum:10d}  {f.name[:120]}{src}")
    big = sorted(b.reachable, key=lambda a: -image.funcs[a].frame)[:top]
    out.append(f"  largest frames of the {len(b.reachable)} functions reachable:")
    for a in big:
        f = image.funcs[a]
        out.append(f"    {f.frame:5d}  {f.name[:120]}")
    no_llvm = sorted(image.funcs[a].name for a in b.reachable if image.funcs[a].llvm_frame is None)
    if no_llvm:
        listing = ", ".join(no_llvm)
        out.append(f"  frames read from the disassembly (no .stack_sizes entry): {listing}")
    for line in b.indirect:
        out.append(f"  indirect call: {line}")
    for cyc in b.cycles:
        out.append(f"  UNSOUND: recursion through {' -> '.join(cyc)} (depth unbounded)")
    for p in b.problems:
        out.append(f"  UNSOUND: {p}")
    return out


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    p = argparse.ArgumentParser(
        prog="stack_bound.py",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("elf", help="the linked image (ARM ELF, ideally with .stack_sizes)")
    p.add_argument("roots", nargs="+", metavar="[LABEL=]FUNCTION", help="functions to bound")
    p.add_argument("--tools", help="directory of llvm-objdump and llvm-nm (default: rustup's)")
    p.add_argument("--top", type=int, default=6, help="how many of the largest frames to list")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument(
        "--allow-no-stack-sizes",
        action="store_true",
        help="analyse an image without .stack_sizes (every frame from the disassembly)",
    )
    args = p.parse_args(argv)
    try:
        image = Image(args.elf, find_tools(args.tools))
        if not image.has_stack_sizes and not args.allow_no_stack_sizes:
            raise Fatal(
                f"{args.elf} has no .stack_sizes section: build it with "
                'RUSTFLAGS="-Z emit-stack-sizes" (nightly), or pass --allow-no-stack-sizes'
            )
        bounds = []
        for spec in args.roots:
            label, sep, name = spec.partition("=")
            if not sep:
                label, name = spec, spec
            bounds.append(analyse(image, label, image.find(name)))
    except Fatal as e:
        print(f"stack_bound.py: error: {e}", file=sys.stderr)
        return 2
    for b in bounds:
        print("\n".join(report(image, b, args.top)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                [
                    {
                        "label": b.label,
                        "root": b.root.name,
                        "bytes": b.total,
                        "sound": b.sound,
                        "chain": [{"function": f.name, "frame": f.frame} for f in b.chain],
                        "indirect": b.indirect,
                        "recursion": b.cycles,
                        "problems": b.problems,
                    }
                    for b in bounds
                ],
                f,
                indent=2,
            )
    return 0 if all(b.sound for b in bounds) else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
