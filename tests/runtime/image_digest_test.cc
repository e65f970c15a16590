#include "runtime/image/digest.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "util/error.h"

using namespace berth::image;

TEST(ImageDigest, KnownValues) {
  EXPECT_EQ(sha256_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("ab");
  h.update("c");
  EXPECT_EQ(h.digest(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ImageDigest, FileDigestMatchesMemory) {
  berth::test::TempDir dir;
  std::string data(3 << 20, 'x');
  auto p = dir.write("f", data);
  EXPECT_EQ(sha256_file(p), sha256_digest(data));
}

TEST(ImageDigest, Validation) {
  EXPECT_TRUE(is_valid_digest("sha256:" + std::string(64, '0')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, '0')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_valid_digest("sha512:" + std::string(64, '0')));
  EXPECT_THROW(digest_hex("sha256:../../etc"), berth::Error);
  EXPECT_EQ(digest_hex("sha256:" + std::string(64, 'f')), std::string(64, 'f'));
  EXPECT_NO_THROW(verify_digest("a", "a", "x"));
  EXPECT_THROW(verify_digest("a", "b", "blob"), berth::Error);
}
