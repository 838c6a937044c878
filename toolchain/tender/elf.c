/*
 * elf.c: load a static ELF64 x86-64 executable into guest memory and read
 * its two Solo5 notes (ABI1, MFT1). Nothing in the file is trusted: every
 * size, offset and address is checked with overflow-safe arithmetic before
 * use (ELF-64 Object File Format 1.5; System V gABI "Program Header" and
 * "Note Section").
 *
 * As solo5-hvt: loadable segments start at or above 0x100000, lie inside
 * guest memory, are in ascending address order without overlap, start and
 * end (aligned to p_align) on 4 KiB pages, and none is writable and
 * executable; a Solo5 note is found as the first note of a PT_NOTE program
 * header. Unlike solo5-hvt, the entry point must lie inside a loaded
 * executable segment.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tender.h"

#define PAGE 0x1000ULL
#define NOTE_HDR 20 /* Elf64_Nhdr (12) + "Solo5\0" padded to 4 bytes (8) */

struct image {
    const char *path;
    int fd;
    uint64_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
};

static bool read_at(struct image *im, void *buf, uint64_t len, uint64_t off)
{
    uint64_t end;
    if (__builtin_add_overflow(off, len, &end) || end > im->size)
        return false;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(im->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die(EXIT_REFUSED, "%s: cannot read: %s", im->path,
                n < 0 ? strerror(errno) : "unexpected end of file");
        p += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return true;
}

static void check_header(struct image *im)
{
    const Elf64_Ehdr *h = &im->eh;
    if (!read_at(im, &im->eh, sizeof im->eh, 0) ||
        memcmp(h->e_ident, ELFMAG, SELFMAG) != 0)
        die(EXIT_REFUSED, "%s: not an ELF file; give the .hvt image the "
            "build produced", im->path);
    if (h->e_ident[EI_CLASS] != ELFCLASS64)
        die(EXIT_REFUSED, "%s: a 32-bit ELF file; hvt images are ELF64 "
            "x86-64 executables", im->path);
    if (h->e_ident[EI_DATA] != ELFDATA2LSB || h->e_machine != EM_X86_64)
        die(EXIT_REFUSED, "%s: built for another machine (e_machine %u); hvt "
            "images are ELF64 x86-64 executables", im->path, h->e_machine);
    if (h->e_type != ET_EXEC)
        die(EXIT_REFUSED, "%s: not an executable (e_type %u: %s); link the "
            "image static and not position independent (-static -no-pie)",
            im->path, h->e_type, h->e_type == ET_DYN ? "shared object or PIE"
            : h->e_type == ET_REL ? "relocatable object" : "other");
    if (h->e_ident[EI_VERSION] != EV_CURRENT || h->e_version != EV_CURRENT ||
        h->e_ehsize != sizeof(Elf64_Ehdr) ||
        h->e_phentsize != sizeof(Elf64_Phdr) || h->e_phnum == 0)
        die(EXIT_REFUSED, "%s: malformed ELF header (version, header sizes "
            "or no program headers)", im->path);
    size_t len = (size_t)h->e_phnum * sizeof(Elf64_Phdr);
    im->ph = malloc(len);
    if (!im->ph)
        die(EXIT_REFUSED, "out of memory");
    if (!read_at(im, im->ph, len, h->e_phoff))
        die(EXIT_REFUSED, "%s: the program headers lie outside the file",
            im->path);
}

static void need_memory(struct tender *t, unsigned i, uint64_t end)
{
    die(EXIT_REFUSED, "%s: segment %u ends at 0x%llx, beyond guest memory "
        "(%llu MiB); give at least --mem=%llu", t->image, i,
        (unsigned long long)end, (unsigned long long)(t->mem_size >> 20),
        (unsigned long long)((end + GUEST_PAGE_SIZE - 1) / GUEST_PAGE_SIZE *
                             (GUEST_PAGE_SIZE >> 20)));
}

/* Load one PT_LOAD segment; returns its end aligned up to p_align. */
static uint64_t load_segment(struct tender *t, struct image *im, unsigned i,
                             uint64_t prev_end)
{
    const Elf64_Phdr *p = &im->ph[i];
    const char *f = im->path;
    uint64_t start, end;

    if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
        die(EXIT_REFUSED, "%s: segment %u is both writable and executable; "
            "put code and data in separate segments (W^X)", f, i);
    if (p->p_align == 0 || (p->p_align & (p->p_align - 1)))
        die(EXIT_REFUSED, "%s: segment %u: p_align %llu is not a power of two",
            f, i, (unsigned long long)p->p_align);
    start = p->p_vaddr & ~(p->p_align - 1);
    if (start < HVT_GUEST_MIN_BASE)
        die(EXIT_REFUSED, "%s: segment %u starts at 0x%llx, below 0x%x where "
            "guest images begin (the tender owns low memory); link the image "
            "at 0x%x or above", f, i, (unsigned long long)start,
            HVT_GUEST_MIN_BASE, HVT_GUEST_MIN_BASE);
    if (start < prev_end)
        die(EXIT_REFUSED, "%s: segment %u overlaps the previous one or is out "
            "of address order", f, i);
    if (p->p_filesz > p->p_memsz)
        die(EXIT_REFUSED, "%s: segment %u has more file bytes than memory "
            "bytes", f, i);
    if (__builtin_add_overflow(p->p_vaddr, p->p_memsz, &end) ||
        __builtin_add_overflow(end, p->p_align - 1, &end))
        die(EXIT_REFUSED, "%s: segment %u wraps around the address space", f, i);
    end &= ~(p->p_align - 1);
    if ((start | end) & (PAGE - 1))
        die(EXIT_REFUSED, "%s: segment %u (0x%llx-0x%llx) is not 4 KiB page "
            "aligned; align segments to pages in the linker script", f, i,
            (unsigned long long)start, (unsigned long long)end);
    if (end > t->mem_size)
        need_memory(t, i, end);
    if (!read_at(im, t->mem + p->p_vaddr, p->p_filesz, p->p_offset))
        die(EXIT_REFUSED, "%s: segment %u's bytes lie outside the file "
            "(truncated image?)", f, i);
    /* The BSS part is already zero: guest memory is fresh anonymous memory. */
    if (p->p_filesz == 0)
        warn_msg("%s: segment %u has no file bytes; solo5-hvt ignores such "
                 "segments, so its kernel_end will not cover it", f, i);
    return end;
}

/*
 * The first note of a PT_NOTE header, if it is a note of this name ("Solo5",
 * or Morgana's own, both 8 bytes with the NUL and padding) and type:
 * returns its descriptor's file offset and size (after `pad` alignment
 * bytes). solo5-hvt reads only the first note of each PT_NOTE header.
 */
static bool find_named_note(struct image *im, const char *name,
                            uint32_t type, uint32_t pad, uint64_t *off,
                            uint32_t *size)
{
    for (unsigned i = 0; i < im->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &im->ph[i];
        struct { Elf64_Nhdr h; char name[8]; } n;
        if (p->p_type != PT_NOTE || p->p_filesz < sizeof n)
            continue;
        if (!read_at(im, &n, sizeof n, p->p_offset))
            die(EXIT_REFUSED, "%s: PT_NOTE header %u lies outside the file",
                im->path, i);
        size_t namesz = strlen(name) + 1;
        if (n.h.n_namesz != namesz || memcmp(n.name, name, namesz) != 0 ||
            n.h.n_type != type)
            continue;
        if (n.h.n_descsz < pad || p->p_filesz - NOTE_HDR < n.h.n_descsz)
            die(EXIT_REFUSED, "%s: the %s note of type 0x%x is larger than "
                "its PT_NOTE segment %u", im->path, name, type, i);
        *off = p->p_offset + NOTE_HDR + pad;
        *size = n.h.n_descsz - pad;
        uint64_t end;
        if (__builtin_add_overflow(*off, *size, &end) || end > im->size)
            die(EXIT_REFUSED, "%s: the %s note of type 0x%x lies outside "
                "the file (truncated image?)", im->path, name, type);
        return true;
    }
    return false;
}

static bool find_note(struct image *im, uint32_t type, uint32_t pad,
                      uint64_t *off, uint32_t *size)
{
    return find_named_note(im, SOLO5_NOTE_NAME, type, pad, off, size);
}

/* Morgana's images say how much guest memory they need (morgana_abi.h,
 * MORGANA_NOTE_MEMORY): refuse a smaller guest in one line naming the
 * --mem that would do, rather than let the guest fail later. */
static void check_memory_note(struct tender *t, struct image *im)
{
    uint64_t off, needs = 0;
    uint32_t size;
    if (!find_named_note(im, "Morgana", MORGANA_NOTE_MEMORY, 0, &off, &size) ||
        size != sizeof needs)
        return; /* not one of ours, or an older one: the segments still say */
    read_at(im, &needs, sizeof needs, off);
    if (needs > t->mem_size)
        die(EXIT_REFUSED, "%s: needs %llu KiB of guest memory, more than "
            "--mem=%llu gives; run it with --mem=%llu or more", im->path,
            (unsigned long long)(needs >> 10),
            (unsigned long long)(t->mem_size >> 20),
            (unsigned long long)MORGANA_MIN_MEM_MIB(needs));
}

static void check_abi(struct image *im)
{
    uint64_t off;
    uint32_t size;
    struct solo5_abi_desc abi;
    if (!find_note(im, SOLO5_NOTE_ABI, 0, &off, &size))
        die(EXIT_REFUSED, "%s: no Solo5 ABI1 note; this is not a Solo5 hvt "
            "image (the note is section .note.solo5.abi, the first note of a "
            "PT_NOTE program header of its own)", im->path);
    if (size < 8)
        die(EXIT_REFUSED, "%s: the Solo5 ABI1 note is %u bytes, too short to "
            "hold a target and a version", im->path, size);
    memset(&abi, 0, sizeof abi);
    read_at(im, &abi, 8, off);
    if (abi.target != HVT_ABI_TARGET)
        die(EXIT_REFUSED, "%s: built for Solo5 target %u, not hvt (%u); "
            "rebuild it for hvt", im->path, abi.target, HVT_ABI_TARGET);
    if (abi.version != HVT_ABI_VERSION)
        die(EXIT_REFUSED, "%s: built for hvt ABI version %u; this tender "
            "speaks version %u: rebuild the image", im->path, abi.version,
            HVT_ABI_VERSION);
}

static void read_manifest(struct tender *t, struct image *im)
{
    uint64_t off;
    uint32_t size;
    /* The descriptor is 8-byte aligned: 4 padding bytes after the name. */
    if (!find_note(im, SOLO5_NOTE_MANIFEST, 4, &off, &size))
        die(EXIT_REFUSED, "%s: no Solo5 MFT1 (manifest) note; link the image "
            "with a manifest (section .note.solo5.manifest, the first note of "
            "a PT_NOTE program header of its own)", im->path);
    if (size < sizeof(struct mft) ||
        size > sizeof(struct mft) + MFT_MAX_ENTRIES * sizeof(struct mft_entry))
        die(EXIT_REFUSED, "%s: malformed manifest: %u bytes, expected 8 + 104 "
            "per entry with at most %d entries", im->path, size,
            MFT_MAX_ENTRIES);
    t->mft = calloc(1, size);
    if (!t->mft)
        die(EXIT_REFUSED, "out of memory");
    read_at(im, t->mft, size, off);
    t->mft_size = size;
}

void elf_load(struct tender *t)
{
    struct image im = { .path = t->image };
    struct stat st;
    im.fd = open(t->image, O_RDONLY | O_CLOEXEC);
    if (im.fd < 0 || fstat(im.fd, &st) < 0)
        die(EXIT_REFUSED, "%s: cannot open the image: %s", t->image,
            strerror(errno));
    if (!S_ISREG(st.st_mode))
        die(EXIT_REFUSED, "%s: not a regular file", t->image);
    im.size = (uint64_t)st.st_size;
    check_header(&im);
    check_abi(&im);
    read_manifest(t, &im);
    check_memory_note(t, &im);

    uint64_t end = 0;
    bool entry_ok = false;
    for (unsigned i = 0; i < im.eh.e_phnum; i++) {
        const Elf64_Phdr *p = &im.ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        end = load_segment(t, &im, i, end);
        if ((p->p_flags & PF_X) && im.eh.e_entry >= p->p_vaddr &&
            im.eh.e_entry - p->p_vaddr < p->p_memsz)
            entry_ok = true;
    }
    if (end == 0)
        die(EXIT_REFUSED, "%s: no loadable segment", t->image);
    if (!entry_ok)
        die(EXIT_REFUSED, "%s: the entry point 0x%llx is not inside a loaded "
            "executable segment; check ENTRY() in the linker script", t->image,
            (unsigned long long)im.eh.e_entry);
    t->entry = im.eh.e_entry;
    t->kernel_end = end;
    free(im.ph);
    close(im.fd);
}
