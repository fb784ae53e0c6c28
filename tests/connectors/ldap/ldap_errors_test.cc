#include "connectors/ldap/ldap_errors.h"

#include <gtest/gtest.h>

namespace valtuus::ldap {
namespace {

TEST(Classify, ServerTroubleIsTransient) {
  for (int rc : {LDAP_SERVER_DOWN, LDAP_TIMEOUT, LDAP_CONNECT_ERROR, LDAP_BUSY, LDAP_UNAVAILABLE}) {
    EXPECT_EQ(classify(rc, ""), FailureKind::transient) << ldap_err2string(rc);
  }
}

TEST(Classify, WhatAPersonMustFixIsConfig) {
  for (int rc : {LDAP_INVALID_CREDENTIALS, LDAP_STRONG_AUTH_REQUIRED, LDAP_CONFIDENTIALITY_REQUIRED,
                 LDAP_NO_SUCH_OBJECT, LDAP_FILTER_ERROR}) {
    EXPECT_EQ(classify(rc, ""), FailureKind::config) << ldap_err2string(rc);
  }
}

TEST(Classify, CertificateFailureIsConfigWhateverTheCode) {
  // libldap reports a failed handshake as "Can't contact LDAP server" (ldaps://) or
  // "Connect error" (StartTLS); only the diagnostic tells it from a server that is down.
  EXPECT_EQ(classify(LDAP_SERVER_DOWN,
                     "error:0A000086:SSL routines::certificate verify failed (self-signed "
                     "certificate in certificate chain)"),
            FailureKind::config);
  EXPECT_EQ(classify(LDAP_CONNECT_ERROR, "TLS: hostname does not match CN in peer certificate"),
            FailureKind::config);
  EXPECT_EQ(classify(LDAP_SERVER_DOWN, "error:0A00010B:SSL routines::wrong version number"),
            FailureKind::config);
}

TEST(Describe, OneLineWithDiagnostic) {
  EXPECT_EQ(describe(LDAP_INVALID_CREDENTIALS, ""), "Invalid credentials");
  EXPECT_EQ(describe(LDAP_INVALID_CREDENTIALS, "data 52e\n"), "Invalid credentials (data 52e)");
  EXPECT_EQ(describe(LDAP_SERVER_DOWN, "a\nb"), "Can't contact LDAP server (a b)");
}

TEST(ConnectionLost, OnlyForConnectionCodes) {
  EXPECT_TRUE(connection_lost(LDAP_SERVER_DOWN));
  EXPECT_TRUE(connection_lost(LDAP_TIMEOUT));
  EXPECT_FALSE(connection_lost(LDAP_NO_SUCH_OBJECT));
  EXPECT_FALSE(connection_lost(LDAP_SIZELIMIT_EXCEEDED));
}

}  // namespace
}  // namespace valtuus::ldap
