// Short names of the errors the XProtocol framework sends (docs/PROTOCOL.md
// §8); codes and SQLSTATEs are codec/sql_errors.h's.
#pragma once

#include "codec/sql_errors.h"

namespace xp::err {

// MySQL server errors.
inline constexpr SqlErrorCode kConCount = ER_CON_COUNT_ERROR;
inline constexpr SqlErrorCode kAccessDenied = ER_ACCESS_DENIED_ERROR;
inline constexpr SqlErrorCode kUnknownCom = ER_UNKNOWN_COM_ERROR;
inline constexpr SqlErrorCode kNetPacketTooLarge = ER_NET_PACKET_TOO_LARGE;
inline constexpr SqlErrorCode kNetReadInterrupted = ER_NET_READ_INTERRUPTED;
inline constexpr SqlErrorCode kNotSupportedAuthMode =
    ER_NOT_SUPPORTED_AUTH_MODE;
inline constexpr SqlErrorCode kIdleTimeout = ER_CLIENT_INTERACTION_TIMEOUT;

// X Plugin errors (SQLSTATE HY000).
inline constexpr SqlErrorCode kXBadMessage = ER_X_BAD_MESSAGE;
inline constexpr SqlErrorCode kXCapabilitiesPrepareFailed =
    ER_X_CAPABILITIES_PREPARE_FAILED;
inline constexpr SqlErrorCode kXCapabilityNotFound = ER_X_CAPABILITY_NOT_FOUND;
inline constexpr SqlErrorCode kXInvalidProtocolData =
    ER_X_INVALID_PROTOCOL_DATA;
inline constexpr SqlErrorCode kXExpectNotOpen = ER_X_EXPECT_NOT_OPEN;
inline constexpr SqlErrorCode kXExpectNoErrorFailed =
    ER_X_EXPECT_NO_ERROR_FAILED;
inline constexpr SqlErrorCode kXExpectBadCondition = ER_X_EXPECT_BAD_CONDITION;
inline constexpr SqlErrorCode kXExpectFieldExistsFailed =
    ER_X_EXPECT_FIELD_EXISTS_FAILED;
inline constexpr SqlErrorCode kXCompressionInvalidAlgorithm =
    ER_X_COMPRESSION_INVALID_ALGORITHM;
inline constexpr SqlErrorCode kXpSessionExists = ER_XP_SESSION_EXISTS;
inline constexpr SqlErrorCode kXpUnknownSession = ER_XP_UNKNOWN_SESSION;
inline constexpr SqlErrorCode kXpTooManySessions = ER_XP_TOO_MANY_SESSIONS;
inline constexpr SqlErrorCode kXpCompression = ER_XP_COMPRESSION;
inline constexpr SqlErrorCode kXpExpectTooDeep = ER_XP_EXPECT_TOO_DEEP;
inline constexpr SqlErrorCode kXpTxnContext = ER_XP_TXN_CONTEXT;

}  // namespace xp::err
