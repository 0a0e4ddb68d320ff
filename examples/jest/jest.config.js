module.exports = {
  // Runs each test in an activation of its own and fails the test whose code raced.
  setupFilesAfterEnv: ['mapsan/jest'],
};
