console.log("pgpair")
