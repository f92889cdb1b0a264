/*
 * test_attach.c — photo type sniffing and metadata stripping, on images built
 * byte by byte so each test shows exactly which segments go and which stay.
 */
#include "unit.h"

#include "attach/attach.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer for building images. */
struct buf {
	unsigned char b[4096];
	size_t n;
};

static void put(struct buf *x, const void *p, size_t n)
{
	assert_true(x->n + n <= sizeof x->b);
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

static int contains(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, s, k))
			return 1;
	return 0;
}

/* ---- JPEG pieces ----------------------------------------------------------- */

static const unsigned char soi[] = { 0xFF, 0xD8 };
static const unsigned char app0[] = { 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',	'F',  0x00,
				      0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00 };
static const unsigned char app1[] = { 0xFF, 0xE1, 0x00, 0x18, 'E',  'x',  'i',	'f',  0x00,
				      0x00, 'M',  'M',	0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
				      'G',  'P',  'S',	' ',  '3',  '1',  '.',	'3' };
static const unsigned char com[] = { 0xFF, 0xFE, 0x00, 0x07, 'h', 'e', 'l', 'l', 'o' };
static const unsigned char app14[] = { 0xFF, 0xEE, 0x00, 0x0E, 'A',  'd',  'o',	 'b',
				       'e',  0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const unsigned char sof0[] = { 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x20,
				      0x00, 0x30, 0x01, 0x01, 0x11, 0x00 }; /* 48 x 32 */
static const unsigned char dht[] = { 0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const unsigned char sos[] = { 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00 };
/* entropy-coded data with a stuffed 0xFF00 and a restart marker */
static const unsigned char scan[] = { 0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A };
static const unsigned char eoi[] = { 0xFF, 0xD9 };

static void put_dqt(struct buf *x)
{
	unsigned char d[69] = { 0xFF, 0xDB, 0x00, 0x43, 0x00 };

	for (int i = 0; i < 64; i++)
		d[5 + i] = (unsigned char)(i + 1);
	put(x, d, sizeof d);
}

/* APP0, APP1 (EXIF), COM, DQT, SOF0, DHT, APP14, SOS, scan, EOI — and what must remain. */
static void sample_jpeg(struct buf *in, struct buf *want)
{
	put(in, soi, sizeof soi);
	put(in, app0, sizeof app0);
	put(in, app1, sizeof app1);
	put(in, com, sizeof com);
	put_dqt(in);
	put(in, sof0, sizeof sof0);
	put(in, dht, sizeof dht);
	put(in, app14, sizeof app14);
	put(in, sos, sizeof sos);
	put(in, scan, sizeof scan);
	put(in, eoi, sizeof eoi);

	put(want, soi, sizeof soi);
	put(want, app0, sizeof app0);
	put_dqt(want);
	put(want, sof0, sizeof sof0);
	put(want, dht, sizeof dht);
	put(want, app14, sizeof app14);
	put(want, sos, sizeof sos);
	put(want, scan, sizeof scan);
	put(want, eoi, sizeof eoi);
}

static int strip(int (*fn)(const unsigned char *, size_t, unsigned char *, size_t *, int *, int *),
		 const unsigned char *in, size_t n, struct buf *out, int *w, int *h)
{
	/* input and output exactly n bytes long on the heap: ASan catches any overrun */
	unsigned char *src = malloc(n ? n : 1), *dst = malloc(n ? n : 1);
	int rc;

	assert_non_null(src);
	assert_non_null(dst);
	if (n)
		memcpy(src, in, n);
	out->n = 0;
	rc = fn(src, n, dst, &out->n, w, h);
	if (rc == 0) {
		assert_true(out->n <= n);
		memcpy(out->b, dst, out->n);
	}
	free(src);
	free(dst);
	return rc;
}

/* ---- sniffing ---------------------------------------------------------------- */

static void types_are_told_by_their_magic_numbers(void **state)
{
	struct buf j = { .n = 0 }, want = { .n = 0 };
	static const unsigned char png[16] = { 0x89, 'P',  'N',	 'G',  0x0D, 0x0A, 0x1A, 0x0A,
					       0x00, 0x00, 0x00, 0x0D, 'I',  'H',  'D',	 'R' };
	static const unsigned char webp[12] = {
		'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'E', 'B', 'P'
	};
	const char *mime = "x";

	sample_jpeg(&j, &want);
	assert_int_equal(attach_sniff(j.b, j.n, &mime), ATTACH_JPEG);
	assert_string_equal(mime, "image/jpeg");
	assert_int_equal(attach_sniff(png, sizeof png, &mime), ATTACH_PNG);
	assert_string_equal(mime, "image/png");
	assert_int_equal(attach_sniff(webp, sizeof webp, &mime), ATTACH_WEBP);
	assert_string_equal(mime, "image/webp");
}

static void other_bytes_are_not_photos(void **state)
{
	static const unsigned char png_no_ihdr[16] = { 0x89, 'P',  'N',	 'G',  0x0D, 0x0A,
						       0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D,
						       'g',  'A',  'M',	 'A' };
	static const unsigned char avi[12] = { 'R', 'I', 'F', 'F', 4, 0, 0, 0, 'A', 'V', 'I', ' ' };
	static const unsigned char jfif_short[2] = { 0xFF, 0xD8 };
	const char *mime = "x";

	assert_int_equal(attach_sniff((const unsigned char *)"GIF89a\1\0\1\0", 10, &mime),
			 ATTACH_UNKNOWN);
	assert_null(mime);
	assert_int_equal(attach_sniff((const unsigned char *)"hello, this is text", 19, &mime),
			 ATTACH_UNKNOWN);
	assert_int_equal(attach_sniff((const unsigned char *)"<svg/>", 6, NULL), ATTACH_UNKNOWN);
	assert_int_equal(attach_sniff(png_no_ihdr, sizeof png_no_ihdr, NULL), ATTACH_UNKNOWN);
	assert_int_equal(attach_sniff(avi, sizeof avi, NULL), ATTACH_UNKNOWN);
	assert_int_equal(attach_sniff(jfif_short, sizeof jfif_short, NULL), ATTACH_UNKNOWN);
	assert_int_equal(attach_sniff(NULL, 0, NULL), ATTACH_UNKNOWN);
}

static void ids_are_64_lowercase_hex_digits(void **state)
{
	char id[65];

	memset(id, 'a', 64);
	id[64] = '\0';
	assert_true(attach_id_valid(id));
	id[10] = '9';
	assert_true(attach_id_valid(id));
	id[10] = 'A';
	assert_false(attach_id_valid(id));
	id[10] = 'g';
	assert_false(attach_id_valid(id));
	id[10] = 'a';
	id[63] = '\0';
	assert_false(attach_id_valid(id));
	assert_false(attach_id_valid("../etc/passwd"));
	assert_false(attach_id_valid(""));
	assert_false(attach_id_valid(NULL));
}

/* ---- JPEG -------------------------------------------------------------------- */

static void jpeg_loses_exif_and_comments_and_keeps_the_rest_byte_for_byte(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out;
	int w = 0, h = 0;

	sample_jpeg(&in, &want);
	assert_true(contains(in.b, in.n, "Exif"));
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(out.n, want.n);
	assert_memory_equal(out.b, want.b, want.n);
	assert_false(contains(out.b, out.n, "Exif"));
	assert_false(contains(out.b, out.n, "hello"));
	assert_true(contains(out.b, out.n, "JFIF"));
	assert_true(contains(out.b, out.n, "Adobe"));
	assert_int_equal(w, 48);
	assert_int_equal(h, 32);
}

static void jpeg_size_comes_from_sof_not_from_dht(void **state)
{
	struct buf in = { .n = 0 }, out;
	static const unsigned char sof2[] = { 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01, 0x2C,
					      0x01, 0x90, 0x01, 0x01, 0x11, 0x00 }; /* 400x300 */
	int w = 0, h = 0;

	put(&in, soi, sizeof soi);
	put(&in, dht, sizeof dht); /* C4 first: it must not be mistaken for a frame header */
	put(&in, sof2, sizeof sof2);
	put(&in, sos, sizeof sos);
	put(&in, scan, sizeof scan);
	put(&in, dht, sizeof dht); /* progressive: tables and a second scan after the first */
	put(&in, sos, sizeof sos);
	put(&in, scan, sizeof scan);
	put(&in, eoi, sizeof eoi);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(w, 400);
	assert_int_equal(h, 300);
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.b, in.b, in.n);
}

static void jpeg_fill_bytes_are_skipped_and_trailers_dropped(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out;
	static const unsigned char fill[] = { 0xFF, 0xFF };
	static const unsigned char trailer[] = { 0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08,
						 'E',  'x',  'i',  'f',	 0x00, 0x00 };
	int w = 0, h = 0;

	sample_jpeg(&in, &want);
	/* fill bytes before APP1's marker; an MPF-style second image after EOI */
	memmove(in.b + sizeof soi + sizeof app0 + sizeof fill, in.b + sizeof soi + sizeof app0,
		in.n - sizeof soi - sizeof app0);
	memcpy(in.b + sizeof soi + sizeof app0, fill, sizeof fill);
	in.n += sizeof fill;
	put(&in, trailer, sizeof trailer);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(out.n, want.n);
	assert_memory_equal(out.b, want.b, want.n);
}

static void truncated_jpeg_is_refused_at_every_length(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out;
	int w, h;

	sample_jpeg(&in, &want);
	for (size_t k = 0; k < in.n; k++)
		assert_int_equal(strip(attach_strip_jpeg, in.b, k, &out, &w, &h),
				 ATTACH_EMALFORMED);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), 0);
}

static void malformed_jpeg_is_refused(void **state)
{
	struct buf in = { .n = 0 }, out;
	static const unsigned char long_app1[] = { 0xFF, 0xE1, 0x7F, 0xFF, 'E', 'x', 'i', 'f' };
	static const unsigned char zero_len[] = { 0xFF, 0xDB, 0x00, 0x00 };
	static const unsigned char junk[] = { 0x00, 0x11 };
	int w, h;

	/* a segment length running past the end */
	put(&in, soi, sizeof soi);
	put(&in, long_app1, sizeof long_app1);
	put(&in, eoi, sizeof eoi);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	/* a scan before any frame header */
	in.n = 0;
	put(&in, soi, sizeof soi);
	put(&in, sos, sizeof sos);
	put(&in, scan, sizeof scan);
	put(&in, eoi, sizeof eoi);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	/* a frame but no scan */
	in.n = 0;
	put(&in, soi, sizeof soi);
	put(&in, sof0, sizeof sof0);
	put(&in, eoi, sizeof eoi);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	/* a length below 2, and bytes where a marker belongs */
	in.n = 0;
	put(&in, soi, sizeof soi);
	put(&in, zero_len, sizeof zero_len);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	in.n = 0;
	put(&in, soi, sizeof soi);
	put(&in, junk, sizeof junk);
	put(&in, sof0, sizeof sof0);
	assert_int_equal(strip(attach_strip_jpeg, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
}

/* ---- PNG --------------------------------------------------------------------- */

/* Bitwise CRC-32, independent of the table-driven one under test. */
static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void put_be32(struct buf *x, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	put(x, b, 4);
}

static void put_chunk(struct buf *x, const char *type, const void *data, size_t n)
{
	size_t start;

	put_be32(x, (uint32_t)n);
	start = x->n;
	put(x, type, 4);
	put(x, data, n);
	put_be32(x, crc_bitwise(x->b + start, 4 + n));
}

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
static const unsigned char ihdr[13] = { 0, 0, 2, 0x80, 0, 0, 1, 0xE0, 8, 2, 0, 0, 0 }; /* 640x480 */
static const unsigned char idat[] = { 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01 };

static void sample_png(struct buf *in, struct buf *want)
{
	static const char text[] = "Author\0Wang Xiuying";
	static const char exif[] = "MM\0*\0\0\0\x08GPS";
	static const unsigned char gama[4] = { 0, 0, 0xB1, 0x8F };

	put(in, png_sig, 8);
	put_chunk(in, "IHDR", ihdr, sizeof ihdr);
	put_chunk(in, "gAMA", gama, sizeof gama);
	put_chunk(in, "tEXt", text, sizeof text - 1);
	put_chunk(in, "eXIf", exif, sizeof exif - 1);
	put_chunk(in, "IDAT", idat, sizeof idat);
	put_chunk(in, "iTXt", text, sizeof text - 1);
	put_chunk(in, "IEND", "", 0);

	put(want, png_sig, 8);
	put_chunk(want, "IHDR", ihdr, sizeof ihdr);
	put_chunk(want, "gAMA", gama, sizeof gama);
	put_chunk(want, "IDAT", idat, sizeof idat);
	put_chunk(want, "IEND", "", 0);
}

static void png_loses_text_and_exif_chunks_and_reads_ihdr(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out;
	static const unsigned char iend_crc[4] = { 0xAE, 0x42, 0x60, 0x82 };
	int w = 0, h = 0;

	sample_png(&in, &want);
	assert_memory_equal(want.b + want.n - 4, iend_crc, 4); /* the test's CRC is right */
	assert_int_equal(attach_sniff(in.b, in.n, NULL), ATTACH_PNG);
	assert_int_equal(strip(attach_strip_png, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(out.n, want.n);
	assert_memory_equal(out.b, want.b, want.n);
	assert_false(contains(out.b, out.n, "Wang"));
	assert_false(contains(out.b, out.n, "GPS"));
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
}

static void broken_png_is_refused(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out, x;
	int w, h;

	sample_png(&in, &want);
	for (size_t k = 0; k < in.n; k++) /* every truncation, IEND's last CRC byte included */
		assert_int_equal(strip(attach_strip_png, in.b, k, &out, &w, &h), ATTACH_EMALFORMED);
	x = in;
	x.b[8 + 8 + 3] ^= 1; /* a flipped bit in IHDR's width: its CRC no longer matches */
	assert_int_equal(strip(attach_strip_png, x.b, x.n, &out, &w, &h), ATTACH_EMALFORMED);
	x.n = 0; /* no image data */
	put(&x, png_sig, 8);
	put_chunk(&x, "IHDR", ihdr, sizeof ihdr);
	put_chunk(&x, "IEND", "", 0);
	assert_int_equal(strip(attach_strip_png, x.b, x.n, &out, &w, &h), ATTACH_EMALFORMED);
	x.n = 0; /* IHDR not first */
	put(&x, png_sig, 8);
	put_chunk(&x, "IDAT", idat, sizeof idat);
	put_chunk(&x, "IHDR", ihdr, sizeof ihdr);
	put_chunk(&x, "IEND", "", 0);
	assert_int_equal(strip(attach_strip_png, x.b, x.n, &out, &w, &h), ATTACH_EMALFORMED);
}

/* ---- WebP -------------------------------------------------------------------- */

static void put_le32(struct buf *x, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	put(x, b, 4);
}

static void put_riff_chunk(struct buf *x, const char *fourcc, const void *data, size_t n)
{
	static const unsigned char pad = 0;

	put(x, fourcc, 4);
	put_le32(x, (uint32_t)n);
	put(x, data, n);
	if (n & 1)
		put(x, &pad, 1);
}

static void webp_open(struct buf *x)
{
	put(x, "RIFF\0\0\0\0WEBP", 12);
}

static void webp_close(struct buf *x)
{
	uint32_t v = (uint32_t)(x->n - 8);

	x->b[4] = (unsigned char)v;
	x->b[5] = (unsigned char)(v >> 8);
	x->b[6] = (unsigned char)(v >> 16);
	x->b[7] = (unsigned char)(v >> 24);
}

static void webp_sizes_come_from_vp8_and_vp8l(void **state)
{
	struct buf in = { .n = 0 }, out;
	/* key frame tag, start code, 320 x 240 */
	static const unsigned char vp8[] = { 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A,
					     0x40, 0x01, 0xF0, 0x00, 0x00, 0x00 };
	uint32_t bits = 99u | (49u << 14); /* 100 x 50 */
	unsigned char vp8l[5] = { 0x2F, (unsigned char)bits, (unsigned char)(bits >> 8),
				  (unsigned char)(bits >> 16), (unsigned char)(bits >> 24) };
	int w = 0, h = 0;

	webp_open(&in);
	put_riff_chunk(&in, "VP8 ", vp8, sizeof vp8);
	webp_close(&in);
	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(w, 320);
	assert_int_equal(h, 240);
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.b, in.b, in.n);

	in.n = 0;
	webp_open(&in);
	put_riff_chunk(&in, "VP8L", vp8l, sizeof vp8l); /* odd size: padded */
	webp_close(&in);
	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(w, 100);
	assert_int_equal(h, 50);
	assert_int_equal(strip(attach_strip_webp, in.b, in.n - 1, &out, &w, &h), ATTACH_EMALFORMED);
}

static void webp_extended_loses_exif_and_xmp(void **state)
{
	struct buf in = { .n = 0 }, want = { .n = 0 }, out;
	/* flags: EXIF | XMP | alpha; canvas 300 x 200 */
	unsigned char vp8x[10] = { 0x08 | 0x04 | 0x10, 0, 0, 0, 43, 1, 0, 199, 0, 0 };
	static const unsigned char vp8l[6] = { 0x2F, 0, 0, 0, 0, 0 };
	static const char exif[] = "Exif\0\0MM\0*GPS 31.3";
	static const char xmp[] = "<x:xmpmeta>Wang</x:xmpmeta>";
	int w = 0, h = 0;

	webp_open(&in);
	put_riff_chunk(&in, "VP8X", vp8x, sizeof vp8x);
	put_riff_chunk(&in, "VP8L", vp8l, sizeof vp8l);
	put_riff_chunk(&in, "EXIF", exif, sizeof exif - 1);
	put_riff_chunk(&in, "XMP ", xmp, sizeof xmp - 1);
	webp_close(&in);

	vp8x[0] = 0x10;
	webp_open(&want);
	put_riff_chunk(&want, "VP8X", vp8x, sizeof vp8x);
	put_riff_chunk(&want, "VP8L", vp8l, sizeof vp8l);
	webp_close(&want);

	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), 0);
	assert_int_equal(out.n, want.n);
	assert_memory_equal(out.b, want.b, want.n);
	assert_false(contains(out.b, out.n, "GPS"));
	assert_false(contains(out.b, out.n, "Wang"));
	assert_int_equal(w, 300);
	assert_int_equal(h, 200);
}

static void broken_webp_is_refused(void **state)
{
	struct buf in = { .n = 0 }, out;
	unsigned char vp8x[10] = { 0, 0, 0, 0, 9, 0, 0, 9, 0, 0 };
	int w, h;

	/* VP8X with no image data at all */
	webp_open(&in);
	put_riff_chunk(&in, "VP8X", vp8x, sizeof vp8x);
	webp_close(&in);
	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	/* RIFF size beyond the bytes received */
	in.b[4] += 4;
	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
	/* a first chunk that is not an image */
	in.n = 0;
	webp_open(&in);
	put_riff_chunk(&in, "ICCP", vp8x, sizeof vp8x);
	webp_close(&in);
	assert_int_equal(strip(attach_strip_webp, in.b, in.n, &out, &w, &h), ATTACH_EMALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_are_told_by_their_magic_numbers),
		cmocka_unit_test(other_bytes_are_not_photos),
		cmocka_unit_test(ids_are_64_lowercase_hex_digits),
		cmocka_unit_test(jpeg_loses_exif_and_comments_and_keeps_the_rest_byte_for_byte),
		cmocka_unit_test(jpeg_size_comes_from_sof_not_from_dht),
		cmocka_unit_test(jpeg_fill_bytes_are_skipped_and_trailers_dropped),
		cmocka_unit_test(truncated_jpeg_is_refused_at_every_length),
		cmocka_unit_test(malformed_jpeg_is_refused),
		cmocka_unit_test(png_loses_text_and_exif_chunks_and_reads_ihdr),
		cmocka_unit_test(broken_png_is_refused),
		cmocka_unit_test(webp_sizes_come_from_vp8_and_vp8l),
		cmocka_unit_test(webp_extended_loses_exif_and_xmp),
		cmocka_unit_test(broken_webp_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
