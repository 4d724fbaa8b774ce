// Clang thread-safety annotations (checked by -Wthread-safety in the clang
// build, no-ops elsewhere) and the mutex types they apply to: a member
// XP_GUARDED_BY(mu_) may be touched only while mu_ is held, and the clang
// build fails where it is not.
//
//   Mutex mu_;
//   int n_ XP_GUARDED_BY(mu_);
//   void Bump() { MutexLock lock(&mu_); ++n_; }
#pragma once

#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define XP_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define XP_THREAD_ANNOTATION(x)
#endif

#define XP_CAPABILITY(x) XP_THREAD_ANNOTATION(capability(x))
#define XP_SCOPED_CAPABILITY XP_THREAD_ANNOTATION(scoped_lockable)
#define XP_GUARDED_BY(x) XP_THREAD_ANNOTATION(guarded_by(x))
#define XP_PT_GUARDED_BY(x) XP_THREAD_ANNOTATION(pt_guarded_by(x))
#define XP_REQUIRES(...) XP_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define XP_REQUIRES_SHARED(...) \
  XP_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define XP_ACQUIRE(...) XP_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define XP_ACQUIRE_SHARED(...) \
  XP_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define XP_RELEASE(...) XP_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define XP_RELEASE_SHARED(...) \
  XP_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define XP_RELEASE_GENERIC(...) \
  XP_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define XP_EXCLUDES(...) XP_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define XP_NO_THREAD_SAFETY_ANALYSIS \
  XP_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace xp {

// std::mutex as a capability. Lockable, so std::condition_variable_any
// waits on it; UniqueLock below gives std::condition_variable its
// std::unique_lock (the analysis sees a wait as holding it throughout).
class XP_CAPABILITY("mutex") Mutex {
 public:
  std::mutex& native() { return m_; }
  void lock() XP_ACQUIRE() { m_.lock(); }
  void unlock() XP_RELEASE() { m_.unlock(); }
  bool try_lock() XP_THREAD_ANNOTATION(try_acquire_capability(true)) {
    return m_.try_lock();
  }

 private:
  std::mutex m_;
};

class XP_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) XP_ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() XP_RELEASE() { mu_->unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mu_;
};

// A MutexLock that can be released and taken again, and whose
// std::unique_lock a std::condition_variable waits on (write the wait as
// a loop over its condition, so the condition reads under the lock).
class XP_SCOPED_CAPABILITY UniqueLock {
 public:
  explicit UniqueLock(Mutex* mu) XP_ACQUIRE(mu) : lock_(mu->native()) {}
  ~UniqueLock() XP_RELEASE() {}
  void Lock() XP_ACQUIRE() { lock_.lock(); }
  void Unlock() XP_RELEASE() { lock_.unlock(); }
  std::unique_lock<std::mutex>& native() { return lock_; }
  UniqueLock(const UniqueLock&) = delete;
  UniqueLock& operator=(const UniqueLock&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace xp
