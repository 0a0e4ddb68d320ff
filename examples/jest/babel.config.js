// babel-jest picks this file up; mapsan instruments every file Jest transforms (not node_modules).
module.exports = {
  plugins: ['mapsan/babel'],
};
